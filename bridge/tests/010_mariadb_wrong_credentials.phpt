--TEST--
pet_migrate: wrong MariaDB password, user or port is PET_CONFIG and never shows the password
--EXTENSIONS--
pet_migrate
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
$good = pet_mariadb_config($env, pet_unique_prefix('phpt'));
$wrong = $env['password'] . '-wrong';
$variants = [
    'wrong password' => ['password' => $wrong],
    'wrong password over the socket' => ['password' => $wrong, 'host' => 'localhost', 'socket' => $env['socket']],
    'wrong user' => ['user' => 'nobody_' . getmypid(), 'password' => $env['password']],
    'wrong port' => ['port' => 1],
    'unknown database' => ['name' => 'pet_no_such_db_' . getmypid()],
];
foreach ($variants as $label => $changes) {
    $config = $good;
    $config['database'] = $changes + $config['database'];
    foreach (['pet_migrate_activate', 'pet_migrate_status', 'pet_migrate_events'] as $function) {
        $report = $function($config);
        pet_assert_report($report, "$function($label)");
        $text = serialize($report);
        $leaks = str_contains($text, $env['password']) || str_contains($text, $wrong);
        printf("%s %s: %s%s\n", $function, $label, $report['result_name'], $leaks ? ', PASSWORD LEAKED' : '');
    }
}
?>
--EXPECT--
pet_migrate_activate wrong password: PET_CONFIG
pet_migrate_status wrong password: PET_CONFIG
pet_migrate_events wrong password: PET_CONFIG
pet_migrate_activate wrong password over the socket: PET_CONFIG
pet_migrate_status wrong password over the socket: PET_CONFIG
pet_migrate_events wrong password over the socket: PET_CONFIG
pet_migrate_activate wrong user: PET_CONFIG
pet_migrate_status wrong user: PET_CONFIG
pet_migrate_events wrong user: PET_CONFIG
pet_migrate_activate wrong port: PET_CONFIG
pet_migrate_status wrong port: PET_CONFIG
pet_migrate_events wrong port: PET_CONFIG
pet_migrate_activate unknown database: PET_CONFIG
pet_migrate_status unknown database: PET_CONFIG
pet_migrate_events unknown database: PET_CONFIG
