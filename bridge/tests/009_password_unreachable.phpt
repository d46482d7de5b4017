--TEST--
pet_migrate: an unreachable MariaDB is PET_CONFIG and the password appears in no report
--EXTENSIONS--
pet_migrate
--FILE--
<?php
require __DIR__ . '/pet_migrate.inc';

$password = 'Pw-9c41/é"\'x-never-shown';
$database = ['driver' => 'mariadb', 'host' => '127.0.0.1', 'port' => 1, 'user' => 'pet',
    'password' => $password, 'name' => 'pet'];
$configs = [
    'closed port' => ['database' => $database],
    'socket that does not exist' => ['database' => ['host' => 'localhost', 'socket' => '/nonexistent/mysqld.sock'] + $database],
    'port of the wrong type' => ['database' => ['port' => 'x'] + $database],
    'no name' => ['database' => array_diff_key($database, ['name' => 1])],
];
foreach ($configs as $label => $config) {
    $config += ['prefix' => 'wp_', 'migrations_dir' => PET_MIGRATIONS];
    foreach (['pet_migrate_activate', 'pet_migrate_status', 'pet_migrate_events'] as $function) {
        $report = $function($config);
        pet_assert_report($report, "$function($label)");
        $leaks = str_contains(serialize($report), $password) || str_contains(serialize($report), 'Pw-9c41');
        printf("%s %s: %s%s\n", $function, $label, $report['result_name'], $leaks ? ', PASSWORD LEAKED' : '');
    }
}
?>
--EXPECT--
pet_migrate_activate closed port: PET_CONFIG
pet_migrate_status closed port: PET_CONFIG
pet_migrate_events closed port: PET_CONFIG
pet_migrate_activate socket that does not exist: PET_CONFIG
pet_migrate_status socket that does not exist: PET_CONFIG
pet_migrate_events socket that does not exist: PET_CONFIG
pet_migrate_activate port of the wrong type: PET_CONFIG
pet_migrate_status port of the wrong type: PET_CONFIG
pet_migrate_events port of the wrong type: PET_CONFIG
pet_migrate_activate no name: PET_CONFIG
pet_migrate_status no name: PET_CONFIG
pet_migrate_events no name: PET_CONFIG
