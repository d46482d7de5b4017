--TEST--
pet_migrate: status, activate and events against a real SQLite file
--EXTENSIONS--
pet_migrate
sqlite3
--FILE--
<?php
require __DIR__ . '/pet_migrate.inc';

$dir = pet_tmpdir();
$path = "$dir/site.db";
(new SQLite3($path))->close(); /* an empty database */
$config = pet_sqlite_config($path);

function tables(string $path): array
{
    $db = new SQLite3($path, SQLITE3_OPEN_READONLY);
    $rows = $db->query("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'wp\\_%' ESCAPE '\\' ORDER BY name");
    $names = [];
    while ($row = $rows->fetchArray(SQLITE3_ASSOC)) {
        $names[] = $row['name'];
    }
    $db->close();
    return $names;
}

echo "-- status before activate\n";
$report = pet_migrate_status($config);
pet_assert_report($report, 'status before');
echo pet_summary($report), "\n";
var_dump($report['schema_version'], $report['target_version'], $report['pending'][0]['version']);
var_dump(tables($path));

echo "-- first activate\n";
$report = pet_migrate_activate($config);
pet_assert_report($report, 'first activate');
echo pet_summary($report), "\n";
var_dump($report['newly_applied'], $report['schema_version'], $report['mode'], $report['error']);
$expected = ['wp_pet_migration_events', 'wp_pet_migration_state', 'wp_pet_migrations', 'wp_pet_projects', 'wp_pet_tasks'];
var_dump(array_values(array_diff($expected, tables($path))));

$db = new SQLite3($path, SQLITE3_OPEN_READONLY);
$row = $db->querySingle('SELECT * FROM wp_pet_migrations', true);
var_dump(array_keys($row), $row['version'], $row['name'], strlen($row['checksum']) > 0,
    $row['applied_at'] !== null);
$columns = [];
$info = $db->query("PRAGMA table_info('wp_pet_projects')");
while ($column = $info->fetchArray(SQLITE3_ASSOC)) {
    $columns[] = $column['name'];
}
echo implode(' ', $columns), "\n";
$db->close();
$checksum = $row['checksum'];

echo "-- second activate\n";
$report = pet_migrate_activate($config);
pet_assert_report($report, 'second activate');
echo pet_summary($report), "\n";
$db = new SQLite3($path, SQLITE3_OPEN_READONLY);
var_dump($db->querySingle('SELECT count(*) FROM wp_pet_migrations'),
    $db->querySingle('SELECT checksum FROM wp_pet_migrations') === $checksum);
$db->close();

echo "-- status\n";
$start = hrtime(true);
$report = pet_migrate_status($config);
$elapsed = (hrtime(true) - $start) / 1e9;
pet_assert_report($report, 'status');
echo pet_summary($report), "\n";
var_dump($report['schema_version'], $report['target_version'], $report['mode'], $report['applied'][0]['checksum'] === $checksum);
var_dump($elapsed < 1.0);
/* status leaves the file alone */
$after = hash_file('sha256', $path);
pet_migrate_status($config);
var_dump(hash_file('sha256', $path) === $after);

echo "-- events\n";
$report = pet_migrate_events($config + ['events_limit' => 1]);
pet_assert_report($report, 'events');
echo pet_summary($report), "\n";
$keys = array_keys($report['events'][0]);
sort($keys);
var_dump($keys);
$report = pet_migrate_events($config);
$kinds = array_column($report['events'], 'event');
var_dump(in_array('started', $kinds, true), in_array('completed', $kinds, true));

echo "-- another prefix in the same file is another site\n";
echo pet_summary(pet_migrate_status(pet_sqlite_config($path, 'wp_2_'))), "\n";
?>
--EXPECT--
-- status before activate
PET_PENDING pending=1
NULL
string(15) "2026_02_10_0001"
string(15) "2026_02_10_0001"
array(0) {
}
-- first activate
PET_OK applied=1 newly_applied=1
array(1) {
  [0]=>
  string(15) "2026_02_10_0001"
}
string(15) "2026_02_10_0001"
string(5) "ready"
NULL
array(0) {
}
array(4) {
  [0]=>
  string(7) "version"
  [1]=>
  string(4) "name"
  [2]=>
  string(10) "applied_at"
  [3]=>
  string(8) "checksum"
}
string(15) "2026_02_10_0001"
string(18) "create_core_tables"
bool(true)
bool(true)
id title description status created_at updated_at
-- second activate
PET_OK applied=1
int(1)
bool(true)
-- status
PET_OK applied=1
string(15) "2026_02_10_0001"
string(15) "2026_02_10_0001"
string(5) "ready"
bool(true)
bool(true)
bool(true)
-- events
PET_OK events=1
array(5) {
  [0]=>
  string(2) "at"
  [1]=>
  string(5) "event"
  [2]=>
  string(2) "id"
  [3]=>
  string(7) "message"
  [4]=>
  string(7) "version"
}
bool(true)
bool(true)
-- another prefix in the same file is another site
PET_PENDING pending=1
