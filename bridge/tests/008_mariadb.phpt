--TEST--
pet_migrate: status, activate and events against MariaDB (PET_TEST_MARIADB_*)
--EXTENSIONS--
pet_migrate
mysqli
--SKIPIF--
<?php
require __DIR__ . '/pet_migrate.inc';
if (pet_mariadb_env() === null) {
    die('skip PET_TEST_MARIADB_HOST/PORT/USER/PASSWORD/DATABASE/SOCKET are not set');
}
?>
--FILE--
<?php
require __DIR__ . '/pet_migrate.inc';

$env = pet_mariadb_env();
$prefix = pet_unique_prefix('phpt');
$config = pet_mariadb_config($env, $prefix);
mysqli_report(MYSQLI_REPORT_ERROR | MYSQLI_REPORT_STRICT);
$db = new mysqli($env['host'], $env['user'], $env['password'], $env['database'], (int) $env['port']);
register_shutdown_function(static function () use ($db, $prefix) {
    $tables = $db->query("SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE()
        AND table_name LIKE '" . $db->real_escape_string($prefix) . "%'")->fetch_all();
    foreach ($tables as [$table]) {
        $db->query("DROP TABLE `$table`");
    }
});

function tables(mysqli $db, string $prefix): array
{
    $rows = $db->query("SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE()
        AND table_name LIKE '" . $db->real_escape_string(addcslashes($prefix, '_%')) . "%' ORDER BY table_name")->fetch_all();
    return array_map(static fn ($name) => substr($name, strlen($prefix)), array_column($rows, 0));
}

echo "-- status before activate\n";
$report = pet_migrate_status($config);
pet_assert_report($report, 'status before');
echo pet_summary($report), "\n";
var_dump($report['schema_version'], tables($db, $prefix));

echo "-- first activate\n";
$report = pet_migrate_activate($config);
pet_assert_report($report, 'first activate');
echo pet_summary($report), "\n";
var_dump($report['newly_applied'], $report['mode'], $report['error']);
$expected = ['pet_migration_events', 'pet_migration_state', 'pet_migrations', 'pet_projects', 'pet_tasks'];
var_dump(array_values(array_diff($expected, tables($db, $prefix))));
$rows = $db->query("SELECT * FROM `{$prefix}pet_migrations`")->fetch_all(MYSQLI_ASSOC);
var_dump(count($rows), array_keys($rows[0]), $rows[0]['version'], $rows[0]['name']);
$columns = array_column($db->query("SHOW COLUMNS FROM `{$prefix}pet_tasks`")->fetch_all(MYSQLI_ASSOC), 'Field');
echo implode(' ', $columns), "\n";
$checksum = $rows[0]['checksum'];

echo "-- second activate\n";
$report = pet_migrate_activate($config);
pet_assert_report($report, 'second activate');
echo pet_summary($report), "\n";
$rows = $db->query("SELECT * FROM `{$prefix}pet_migrations`")->fetch_all(MYSQLI_ASSOC);
var_dump(count($rows), $rows[0]['checksum'] === $checksum);

echo "-- status\n";
$start = hrtime(true);
$report = pet_migrate_status($config);
$elapsed = (hrtime(true) - $start) / 1e9;
pet_assert_report($report, 'status');
echo pet_summary($report), "\n";
var_dump($report['schema_version'], $report['mode'], $elapsed < 1.0);

echo "-- status over the Unix socket (host localhost)\n";
echo pet_summary(pet_migrate_status(pet_mariadb_config($env, $prefix, 'localhost'))), "\n";

echo "-- events\n";
$report = pet_migrate_events($config + ['events_limit' => 1]);
echo pet_summary($report), "\n";
$all = pet_migrate_events($config);
$kinds = array_column($all['events'], 'event');
var_dump(in_array('started', $kinds, true), in_array('completed', $kinds, true));

$serialized = serialize([$report, $all]);
var_dump(str_contains($serialized, $env['password']));
?>
--EXPECT--
-- status before activate
PET_PENDING pending=1
NULL
array(0) {
}
-- first activate
PET_OK applied=1 newly_applied=1
array(1) {
  [0]=>
  string(15) "2026_02_10_0001"
}
string(5) "ready"
NULL
array(0) {
}
int(1)
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
id project_id title done due_on created_at
-- second activate
PET_OK applied=1
int(1)
bool(true)
-- status
PET_OK applied=1
string(15) "2026_02_10_0001"
string(5) "ready"
bool(true)
-- status over the Unix socket (host localhost)
PET_OK applied=1
-- events
PET_OK events=1
bool(true)
bool(true)
bool(false)
