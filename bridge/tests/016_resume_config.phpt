--TEST--
pet_migrate_resume and pet_migrate_pause: a bad budget_ms or other background setting is PET_CONFIG naming it, and nothing runs
--EXTENSIONS--
pet_migrate
--FILE--
<?php
require __DIR__ . '/pet_migrate.inc';

$dir = pet_tmpdir();
$good = pet_sqlite_config("$dir/site.db");

$budgets = ['0' => 0, '-1' => -1, '86400001' => 86400001, '10^20' => 10 ** 20, 'PHP_INT_MAX' => PHP_INT_MAX,
    '1.5' => 1.5, '"x"' => 'x', '"100"' => '100', 'true' => true, '[]' => []];
foreach (['pet_migrate_resume', 'pet_migrate_pause'] as $function) {
    foreach ($budgets as $label => $budget) {
        $report = $function(['budget_ms' => $budget] + $good);
        pet_assert_report($report, "$function(budget_ms $label)");
        if ($report['result'] !== PET_CONFIG || !str_contains($report['message'], 'budget_ms')) {
            echo "$function(budget_ms $label): ", json_encode($report), "\n";
        }
    }
}
/* What a site administrator reads. */
echo pet_migrate_resume(['budget_ms' => 0] + $good)['message'], "\n";
echo pet_migrate_resume(['budget_ms' => 10 ** 20] + $good)['message'], "\n";
echo pet_migrate_resume(['budget_ms' => 'x'] + $good)['message'], "\n";

/* The other background settings, each named. */
$cases = [
    'chunk_target_ms' => [9, 10001, 'fast'],
    'max_threads_running' => [0, 100001, 2.5],
    'max_replica_lag_ms' => [99, 3600001, '1000'],
    'resume_paused' => ['yes', 1, []],
    'replicas' => [[['host' => '127.0.0.1', 'user' => 'u', 'name' => 'n']], 'replica', [['driver' => 'sqlite', 'path' => '/tmp/x.db']]],
];
foreach ($cases as $key => $values) {
    foreach ($values as $value) {
        $report = pet_migrate_resume([$key => $value] + $good);
        pet_assert_report($report, "resume($key)");
        echo "$key ", json_encode($value), ': ', $report['result_name'], ', ',
            str_contains($report['message'], $key) ? "names $key" : $report['message'], "\n";
    }
}
$report = pet_migrate_resume(['budget' => 100] + $good);
echo 'a misspelt key: ', $report['result_name'], ', ', str_contains($report['message'], '"budget"') ? 'named' : $report['message'], "\n";

/* Nothing ran: not even the database file was created. */
var_dump(file_exists("$dir/site.db"));

/* The bounds themselves are fine. */
foreach ([1, 86400000] as $budget) {
    echo "budget_ms $budget: ", pet_summary(pet_migrate_resume(['budget_ms' => $budget] + $good)), "\n";
}
echo 'every setting at a bound: ', pet_summary(pet_migrate_resume(['budget_ms' => 86400000, 'chunk_target_ms' => 10,
    'max_threads_running' => 1, 'max_replica_lag_ms' => 100, 'resume_paused' => true, 'replicas' => []] + $good)), "\n";
?>
--EXPECT--
bad configuration: the time budget ("budget_ms", --budget-ms) must be from 1 to 86400000 milliseconds
bad configuration: "budget_ms" in the configuration must be a whole number, found a number
bad configuration: "budget_ms" in the configuration must be a whole number, found a string
chunk_target_ms 9: PET_CONFIG, names chunk_target_ms
chunk_target_ms 10001: PET_CONFIG, names chunk_target_ms
chunk_target_ms "fast": PET_CONFIG, names chunk_target_ms
max_threads_running 0: PET_CONFIG, names max_threads_running
max_threads_running 100001: PET_CONFIG, names max_threads_running
max_threads_running 2.5: PET_CONFIG, names max_threads_running
max_replica_lag_ms 99: PET_CONFIG, names max_replica_lag_ms
max_replica_lag_ms 3600001: PET_CONFIG, names max_replica_lag_ms
max_replica_lag_ms "1000": PET_CONFIG, names max_replica_lag_ms
resume_paused "yes": PET_CONFIG, names resume_paused
resume_paused 1: PET_CONFIG, names resume_paused
resume_paused []: PET_CONFIG, names resume_paused
replicas [{"host":"127.0.0.1","user":"u","name":"n"}]: PET_CONFIG, names replicas
replicas "replica": PET_CONFIG, names replicas
replicas [{"driver":"sqlite","path":"\/tmp\/x.db"}]: PET_CONFIG, names replicas
a misspelt key: PET_CONFIG, named
bool(false)
budget_ms 1: PET_OK applied=1 newly_applied=1
budget_ms 86400000: PET_OK applied=1
every setting at a bound: PET_OK applied=1
