--TEST--
pet_migrate_verify / pet_migrate_cutover / pet_migrate_rollout_bucket: refused until verified, writes to the new table reach the old one, finalize drops no table
--EXTENSIONS--
pet_migrate
sqlite3
--FILE--
<?php
require __DIR__ . '/pet_migrate.inc';

$dir = pet_tmpdir();
[$config, $expected] = pet_orders_site($dir, 3000);
$path = $config['database']['path'];
unlink($config['migrations_dir'] . '/2026_01_02_0001_cents.json');
file_put_contents($config['migrations_dir'] . '/2026_01_02_0001_orders_v2.json', json_encode(['gates' => 'nothing', 'steps' => [
    ['op' => 'create_table', 'table' => 'orders_v2', 'columns' => [
        ['name' => 'id', 'type' => 'bigint'], ['name' => 'cents', 'type' => 'bigint']], 'primary_key' => ['id']],
    ['op' => 'copy_rows', 'from' => 'orders', 'to' => 'orders_v2',
        'columns' => ['id' => 'id', 'cents' => ['sqlite' => 'CAST(ROUND(CAST(total AS REAL) * 100) AS INTEGER)', 'mariadb' => 'ROUND(total * 100)']],
        'cutover' => 'orders_v2', 'reverse' => ['total' => ['sqlite' => "printf('%.2f', cents / 100.0)", 'mariadb' => 'CAST(cents / 100 AS DECIMAL(12,2))']]],
]]));
$on = ['flag' => 'orders_v2', 'action' => 'on', 'actor' => 'phpt (user 1)'];

function flag_line(array $report): string
{
    $flag = $report['cutovers'][0];
    $v = $flag['verification'];
    return sprintf('%s: %s, phase %s, percent %d, flags %s, verification %s (%d ranges, %d found, %d repaired)',
        $report['result_name'], $flag['flag'], $flag['phase'], $flag['percent'], json_encode($report['flags']),
        $v['passed'] ? 'passed' : 'not passed', $v['ranges_checked'], $v['mismatches_found'], $v['mismatches_repaired']);
}

echo "-- queued: the switch is refused while the copy runs\n";
echo pet_summary(pet_migrate_activate($config)), "\n";
$report = pet_migrate_cutover($config, $on);
pet_assert_report($report, 'cutover while copying');
echo flag_line($report), "\n", $report['error']['kind'], ': ', str_contains($report['message'], 'still running') ? 'still running' : $report['message'], "\n";

echo "-- copied: refused until verified\n";
echo pet_summary(pet_migrate_resume($config)), "\n";
$report = pet_migrate_cutover($config, $on);
echo flag_line($report), ', ', str_contains($report['message'], 'has not been verified') ? 'not verified' : $report['message'], "\n";

echo "-- a row changed by hand in the new table is found and repaired\n";
$db = new SQLite3($path);
$db->busyTimeout(5000);
$db->exec('UPDATE wp_orders_v2 SET cents = -1 WHERE id = 42');
$report = pet_migrate_verify($config);
pet_assert_report($report, 'verify');
echo flag_line($report), "\n";
var_dump($db->querySingle('SELECT cents FROM wp_orders_v2 WHERE id = 42') === $expected[42]);

echo "-- on for 5 %: the bucket decides, the same every time\n";
$report = pet_migrate_cutover($config, $on + ['percent' => 5]);
echo flag_line($report), "\n";
$on_keys = 0;
for ($i = 1; $i <= 10000; $i++) {
    $bucket = pet_migrate_rollout_bucket('orders_v2', "user-$i");
    if ($bucket !== pet_migrate_rollout_bucket('orders_v2', "user-$i") || $bucket < 0 || $bucket > 9999) { echo "unstable bucket for user-$i\n"; }
    $on_keys += $bucket < $report['flags']['orders_v2'] * 100 ? 1 : 0;
}
var_dump($on_keys >= 400 && $on_keys <= 600);
var_dump(pet_migrate_rollout_bucket('orders_v2', 'user-1') === hexdec(substr(hash('sha256', "orders_v2\0user-1"), 0, 12)) % 10000);

echo "-- writes to the new table reach the old one; off keeps them\n";
echo flag_line(pet_migrate_cutover($config, $on)), "\n";
$db->exec("INSERT INTO wp_orders_v2 (id, cents) VALUES (9001, 1234)");
$db->exec("UPDATE wp_orders_v2 SET cents = 505 WHERE id = 7");
$db->exec("DELETE FROM wp_orders_v2 WHERE id = 8");
echo flag_line(pet_migrate_cutover($config, ['flag' => 'orders_v2', 'action' => 'off', 'actor' => 'phpt (user 1)'])), "\n";
var_dump($db->querySingle('SELECT total FROM wp_orders WHERE id = 9001'), $db->querySingle('SELECT total FROM wp_orders WHERE id = 7'),
    $db->querySingle('SELECT COUNT(*) FROM wp_orders WHERE id = 8'));

echo "-- finalize: only when fully on; both tables stay\n";
$finalize = ['flag' => 'orders_v2', 'action' => 'finalize', 'actor' => 'phpt (user 1)'];
$report = pet_migrate_cutover($config, $finalize);
echo $report['result_name'], ' ', $report['error']['kind'], "\n";
pet_migrate_cutover($config, $on);
echo flag_line(pet_migrate_cutover($config, $finalize)), "\n";
var_dump($db->querySingle("SELECT COUNT(*) FROM sqlite_schema WHERE type = 'trigger'"),
    $db->querySingle('SELECT COUNT(*) FROM wp_orders') === $db->querySingle('SELECT COUNT(*) FROM wp_orders_v2'));
$events = pet_migrate_events($config)['events'];
echo count(array_filter($events, fn ($e) => $e['event'] === 'cutover' && str_contains($e['message'], 'by phpt (user 1)'))), " switches name the actor\n";

echo "-- bad requests\n";
foreach ([[], ['flag' => 'orders_v2'], ['flag' => 'orders_v2', 'action' => 'sideways'], ['flag' => 'orders_v2', 'action' => 'on', 'percent' => 0],
          ['flag' => 'orders_v2', 'action' => 'off', 'percent' => 5], ['flag' => 'nope', 'action' => 'on'], ['flag' => 'orders_v2', 'action' => 'on', 'extra' => 1]] as $request) {
    $report = pet_migrate_cutover($config, $request);
    pet_assert_report($report, 'bad request');
    echo json_encode($request), ': ', $report['result_name'], "\n";
}
try { pet_migrate_cutover($config, 'on'); } catch (TypeError $e) { echo get_class($e), ': ', $e->getMessage(), "\n"; }
try { pet_migrate_cutover($config, ['flag' => NAN]); } catch (ValueError $e) { echo get_class($e), ': ', $e->getMessage(), "\n"; }
try { pet_migrate_rollout_bucket("orders_v2", "a\0b"); } catch (ValueError $e) { echo get_class($e), ': ', $e->getMessage(), "\n"; }
$db->close();
?>
--EXPECT--
-- queued: the switch is refused while the copy runs
PET_PENDING applied=2 newly_applied=1
PET_PENDING: orders_v2, phase copying, percent 0, flags {"orders_v2":0}, verification not passed (0 ranges, 0 found, 0 repaired)
cutover_refused: still running
-- copied: refused until verified
PET_OK applied=2
PET_PENDING: orders_v2, phase syncing, percent 0, flags {"orders_v2":0}, verification not passed (0 ranges, 0 found, 0 repaired), not verified
-- a row changed by hand in the new table is found and repaired
PET_OK: orders_v2, phase verified, percent 0, flags {"orders_v2":0}, verification passed (3 ranges, 1 found, 1 repaired)
bool(true)
-- on for 5 %: the bucket decides, the same every time
PET_OK: orders_v2, phase cut_over, percent 5, flags {"orders_v2":5}, verification passed (3 ranges, 1 found, 1 repaired)
bool(true)
bool(true)
-- writes to the new table reach the old one; off keeps them
PET_OK: orders_v2, phase cut_over, percent 100, flags {"orders_v2":100}, verification passed (3 ranges, 1 found, 1 repaired)
PET_OK: orders_v2, phase verified, percent 0, flags {"orders_v2":0}, verification passed (3 ranges, 1 found, 1 repaired)
string(5) "12.34"
string(4) "5.05"
int(0)
-- finalize: only when fully on; both tables stay
PET_CONFIG cutover_refused
PET_OK: orders_v2, phase finalized, percent 100, flags {"orders_v2":100}, verification passed (3 ranges, 1 found, 1 repaired)
int(0)
bool(true)
5 switches name the actor
-- bad requests
[]: PET_CONFIG
{"flag":"orders_v2"}: PET_CONFIG
{"flag":"orders_v2","action":"sideways"}: PET_CONFIG
{"flag":"orders_v2","action":"on","percent":0}: PET_CONFIG
{"flag":"orders_v2","action":"off","percent":5}: PET_CONFIG
{"flag":"nope","action":"on"}: PET_CONFIG
{"flag":"orders_v2","action":"on","extra":1}: PET_CONFIG
TypeError: pet_migrate_cutover(): Argument #2 ($request) must be of type array, string given
ValueError: pet_migrate_cutover(): Argument #2 ($request) cannot be encoded as JSON: Inf and NaN cannot be JSON encoded
ValueError: pet_migrate_rollout_bucket(): Argument #2 ($key) must not contain any null bytes
