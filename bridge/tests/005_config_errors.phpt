--TEST--
pet_migrate: a config with a missing or wrong-typed key comes back as PET_CONFIG with a message
--EXTENSIONS--
pet_migrate
--FILE--
<?php
require __DIR__ . '/pet_migrate.inc';

$dir = pet_tmpdir();
$good = pet_sqlite_config("$dir/site.db");
$without = static function (array $config, string ...$keys): array {
    foreach ($keys as $key) {
        unset($config[$key]);
    }
    return $config;
};

$cases = [
    'an empty array' => [],
    'a list' => [1, 2, 3],
    'no database' => $without($good, 'database'),
    'no migrations_dir' => $without($good, 'migrations_dir'),
    'database is a string' => ['database' => 'sqlite:/tmp/x.db'] + $good,
    'no driver' => ['database' => ['path' => "$dir/site.db"]] + $good,
    'an unknown driver' => ['database' => ['driver' => 'postgres', 'path' => "$dir/site.db"]] + $good,
    'path is an int' => ['database' => ['driver' => 'sqlite', 'path' => 42]] + $good,
    'path is null' => ['database' => ['driver' => 'sqlite', 'path' => null]] + $good,
    'prefix is an int' => ['prefix' => 7] + $good,
    'migrations_dir is an array' => ['migrations_dir' => ['a']] + $good,
    'lock_timeout_seconds is a string' => ['lock_timeout_seconds' => 'five'] + $good,
    'a MariaDB port that is a string' => ['database' => ['driver' => 'mariadb', 'host' => '127.0.0.1',
        'port' => '3306', 'user' => 'u', 'password' => 'p', 'name' => 'n']] + $good,
];

foreach (['pet_migrate_activate', 'pet_migrate_status', 'pet_migrate_events', 'pet_migrate_resume', 'pet_migrate_pause'] as $function) {
    foreach ($cases as $label => $config) {
        $report = $function($config);
        pet_assert_report($report, "$function($label)");
        if ($report['result'] !== PET_CONFIG) {
            echo "$function($label): ", json_encode($report), "\n";
        }
    }
}
/* activate cannot create a SQLite file where no directory is; status and events never
 * write, so to them a missing file is an empty database */
$missing = pet_sqlite_config("$dir/missing/dir/site.db");
foreach (['pet_migrate_activate', 'pet_migrate_status', 'pet_migrate_events'] as $function) {
    echo "$function(a SQLite file in a directory that does not exist): ", pet_summary($function($missing)), "\n";
}
var_dump(is_dir("$dir/missing"));

$report = pet_migrate_events(['events_limit' => 'ten'] + $good);
echo pet_summary($report), "\n";
foreach ([[], ['migrations_dir' => 42], ['database' => $good['database']]] as $config) {
    $report = pet_migrate_lint($config);
    pet_assert_report($report, 'lint');
    echo pet_summary($report), "\n";
}

/* One report in full, to show its shape. */
$report = pet_migrate_status($without($good, 'migrations_dir'));
var_dump($report['result'], $report['result_name'], str_contains($report['message'], 'migrations_dir'));
var_dump(file_exists("$dir/site.db"));
?>
--EXPECT--
pet_migrate_activate(a SQLite file in a directory that does not exist): PET_CONFIG
pet_migrate_status(a SQLite file in a directory that does not exist): PET_PENDING pending=1
pet_migrate_events(a SQLite file in a directory that does not exist): PET_OK
bool(false)
PET_CONFIG
PET_CONFIG
PET_CONFIG
PET_CONFIG
int(5)
string(10) "PET_CONFIG"
bool(true)
bool(false)
