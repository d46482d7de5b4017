--TEST--
pet_migrate_pause: paused work stays paused for resume until resume_paused is true; a second runner is PET_LOCKED
--EXTENSIONS--
pet_migrate
sqlite3
--FILE--
<?php
require __DIR__ . '/pet_migrate.inc';

$dir = pet_tmpdir();
$rows = 2000;
[$config, $expected] = pet_orders_site($dir, $rows);
$path = $config['database']['path'];

echo "-- nothing to pause yet\n";
$report = pet_migrate_pause($config);
pet_assert_report($report, 'pause without work');
echo pet_summary($report), ': ', $report['message'], "\n";
var_dump($report['work'], $report['gates']);

echo "-- activate queues the work, pause holds it\n";
echo pet_summary(pet_migrate_activate($config)), "\n";
$report = pet_migrate_pause($config);
pet_assert_report($report, 'pause');
echo pet_summary($report), ': ', $report['message'], "\n";
echo pet_work_summary($report['work'][0]), ', gates ', $report['gates'], "\n";
$again = pet_migrate_pause($config);
echo 'again: ', pet_summary($again), ', ', str_starts_with($again['message'], 'The background work was already paused.') ? 'already paused' : $again['message'], "\n";

echo "-- a scheduled runner (no resume_paused) leaves paused work alone\n";
foreach ([$config, $config + ['resume_paused' => false, 'budget_ms' => 5000]] as $i => $runner) {
    $report = pet_migrate_resume($runner);
    pet_assert_report($report, "resume $i");
    echo pet_summary($report), ', mode ', $report['mode'], ', ', pet_work_summary($report['work'][0]), "\n";
    echo str_starts_with($report['message'], 'The background work is paused by an operator') ? 'says it is paused' : $report['message'], "\n";
}
$status = pet_migrate_status($config);
echo 'status: ', pet_summary($status), ', ', pet_work_summary($status['work'][0]), "\n";
echo 'rows filled: ', $rows - count(pet_orders_wrong($path, $expected)), "\n";

echo "-- another runner holds the claim: PET_LOCKED at once\n";
$claim = fopen("$path-pet-runner", 'c');
var_dump(flock($claim, LOCK_EX | LOCK_NB));
$start = hrtime(true);
$report = pet_migrate_resume($config + ['resume_paused' => true]);
$elapsed = (hrtime(true) - $start) / 1e9;
pet_assert_report($report, 'resume while claimed');
echo pet_summary($report), "\n";
var_dump($elapsed < 1.0);
flock($claim, LOCK_UN);
fclose($claim);
echo 'still paused: ', pet_migrate_status($config)['work'][0]['paused'] ? 'yes' : 'no', "\n";

echo "-- resume_paused: true continues it to the end\n";
$report = pet_migrate_resume($config + ['resume_paused' => true]);
pet_assert_report($report, 'resume_paused');
echo pet_summary($report), ', mode ', $report['mode'], ', gates ', var_export($report['gates'], true), "\n";
echo pet_work_summary(end($report['work'])), "\n";
echo 'wrong values: ', json_encode(pet_orders_wrong($path, $expected)), "\n";
$report = pet_migrate_pause($config);
echo pet_summary($report), ': ', $report['message'], "\n";
?>
--EXPECT--
-- nothing to pause yet
PET_OK applied=1: There is no background work to pause.
array(0) {
}
NULL
-- activate queues the work, pause holds it
PET_PENDING applied=2 newly_applied=1
PET_PENDING applied=2: Paused 1 data step; `pet-migrate resume` or `wp pet migrate resume` continues it.
2026_01_02_0001_cents step 2 backfill wp_orders->wp_orders queued (paused) gates=writes rows 0/?, gates writes
again: PET_PENDING applied=2, already paused
-- a scheduled runner (no resume_paused) leaves paused work alone
PET_PENDING applied=2, mode background, 2026_01_02_0001_cents step 2 backfill wp_orders->wp_orders queued (paused) gates=writes rows 0/?
says it is paused
PET_PENDING applied=2, mode background, 2026_01_02_0001_cents step 2 backfill wp_orders->wp_orders queued (paused) gates=writes rows 0/?
says it is paused
status: PET_PENDING applied=2, 2026_01_02_0001_cents step 2 backfill wp_orders->wp_orders queued (paused) gates=writes rows 0/?
rows filled: 0
-- another runner holds the claim: PET_LOCKED at once
bool(true)
PET_LOCKED
bool(true)
still paused: yes
-- resume_paused: true continues it to the end
PET_OK applied=2, mode ready, gates NULL
2026_01_02_0001_cents step 2 backfill wp_orders->wp_orders done gates=writes rows 2000/2000
wrong values: []
PET_OK applied=2: There is no background work to pause.
