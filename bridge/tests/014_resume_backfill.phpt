--TEST--
pet_migrate_resume: activate queues a backfill (PET_PENDING), resume runs it in chunks within budget_ms until PET_OK
--EXTENSIONS--
pet_migrate
sqlite3
--FILE--
<?php
require __DIR__ . '/pet_migrate.inc';

$dir = pet_tmpdir();
$rows = 100000;
[$config, $expected] = pet_orders_site($dir, $rows);
$path = $config['database']['path'];

echo "-- activate queues the backfill\n";
$report = pet_migrate_activate($config);
pet_assert_report($report, 'activate');
echo pet_summary($report), ', mode ', $report['mode'], ', gates ', $report['gates'], "\n";
var_dump($report['result'] === PET_PENDING, $report['newly_applied']);
echo implode("\n", array_map('pet_work_summary', $report['work'])), "\n";
echo 'column added, nothing filled: ', count(pet_orders_wrong($path, $expected)) === $rows ? 'yes' : 'no', "\n";

echo "-- status says the same\n";
$status = pet_migrate_status($config);
echo pet_summary($status), ', mode ', $status['mode'], ', gates ', $status['gates'], "\n";

echo "-- resume with a budget, again and again\n";
$budgeted = $config + ['budget_ms' => 25, 'chunk_target_ms' => 10];
$calls = 0;
$results = [];
$progress_ok = true;
$last_done = 0;
do {
    $report = pet_migrate_resume($budgeted);
    pet_assert_report($report, "resume $calls");
    $calls++;
    $results[$report['result_name']] = true;
    if ($report['result'] === PET_PENDING) {
        $item = $report['work'][0];
        $progress_ok = $progress_ok && $report['mode'] === 'background' && $report['gates'] === 'writes'
            && $item['status'] === 'running' && $item['rows_done'] >= $last_done && $item['rows_done'] < $rows
            && $item['rows_estimated'] === $rows && $item['percent'] >= 0 && $item['percent'] <= 99
            && is_string($item['current_key']) && $item['last_key'] === (string) $rows && $item['chunk_size'] >= 1
            && $item['finished_at'] === null;
        if (!$progress_ok) {
            echo "unexpected progress: ", json_encode($report), "\n";
            break;
        }
        $last_done = $item['rows_done'];
    }
} while ($report['result'] === PET_PENDING && $calls < 1000);
ksort($results);
echo 'results seen: ', implode(' ', array_keys($results)), "\n";
echo 'more than one call: ', $calls > 1 ? 'yes' : "no ($calls)", "\n";
var_dump($progress_ok);

echo "-- the last report\n";
echo pet_summary($report), ', mode ', $report['mode'], ', gates ', var_export($report['gates'], true), "\n";
echo $report['message'], "\n";
$item = end($report['work']);
echo pet_work_summary($item), "\n";
var_dump($item['rows_written'], $item['percent'], $item['finished_at'] !== null, $item['last_error']);
echo 'wrong values: ', json_encode(pet_orders_wrong($path, $expected)), "\n";

echo "-- then there is nothing left\n";
echo pet_summary(pet_migrate_resume($budgeted)), "\n";
$status = pet_migrate_status($config);
echo pet_summary($status), ', mode ', $status['mode'], ', gates ', var_export($status['gates'], true), "\n";
echo pet_summary(pet_migrate_activate($config)), "\n";
$events = array_column(pet_migrate_events($config)['events'], 'event');
var_dump(in_array('completed', $events, true));

echo "-- without a budget, resume runs the work to the end in one call\n";
$other = pet_tmpdir();
[$config2, $expected2] = pet_orders_site($other, 3000);
echo pet_summary(pet_migrate_activate($config2)), "\n";
$report = pet_migrate_resume($config2);
echo pet_summary($report), ', ', pet_work_summary(end($report['work'])), "\n";
echo 'wrong values: ', json_encode(pet_orders_wrong($config2['database']['path'], $expected2)), "\n";
?>
--EXPECT--
-- activate queues the backfill
PET_PENDING applied=2 newly_applied=1, mode background, gates writes
bool(true)
array(1) {
  [0]=>
  string(15) "2026_01_02_0001"
}
2026_01_02_0001_cents step 2 backfill wp_orders->wp_orders queued gates=writes rows 0/?
column added, nothing filled: yes
-- status says the same
PET_PENDING applied=2, mode background, gates writes
-- resume with a budget, again and again
results seen: PET_OK PET_PENDING
more than one call: yes
bool(true)
-- the last report
PET_OK applied=2, mode ready, gates NULL
The background work is done; the schema is at version 2026_01_02_0001 and nothing is pending.
2026_01_02_0001_cents step 2 backfill wp_orders->wp_orders done gates=writes rows 100000/100000
int(100000)
int(100)
bool(true)
NULL
wrong values: []
-- then there is nothing left
PET_OK applied=2
PET_OK applied=2, mode ready, gates NULL
PET_OK applied=2
bool(true)
-- without a budget, resume runs the work to the end in one call
PET_PENDING applied=2 newly_applied=1
PET_OK applied=2, 2026_01_02_0001_cents step 2 backfill wp_orders->wp_orders done gates=writes rows 3000/3000
wrong values: []
