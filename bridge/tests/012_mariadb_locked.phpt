--TEST--
pet_migrate: while another session holds the MariaDB migration lock, activate is PET_LOCKED and status answers at once
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
$config = ['lock_timeout_seconds' => 1] + pet_mariadb_config($env, $prefix);
mysqli_report(MYSQLI_REPORT_ERROR | MYSQLI_REPORT_STRICT);
$db = new mysqli($env['host'], $env['user'], $env['password'], $env['database'], (int) $env['port']);
register_shutdown_function(static function () use ($db, $prefix) {
    $tables = $db->query("SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE()
        AND table_name LIKE '" . $db->real_escape_string($prefix) . "%'")->fetch_all();
    foreach ($tables as [$table]) {
        $db->query("DROP TABLE `$table`");
    }
});

/* The engine's migration lock is a row of {prefix}pet_migration_lock with an owner and a
 * lease (Sources/PETMigrate/Database/MariaDBLeaseLock.swift). This session takes it as the
 * engine would: its own server and connection id, a lease a minute long. A live holder on
 * the same server keeps it, however long the others wait. */
$lockTable = "`{$prefix}pet_migration_lock`";
$db->query("CREATE TABLE $lockTable (name VARCHAR(32) NOT NULL PRIMARY KEY, owner VARCHAR(191) NULL,
    client VARCHAR(191) NULL, server VARCHAR(191) NULL, connection_id BIGINT NULL, acquired_at DATETIME(6) NULL,
    lease_until DATETIME(6) NULL) ENGINE=InnoDB");
$db->query("INSERT INTO $lockTable VALUES ('migrations', 'phpt-holder', 'phpt', CONCAT(@@hostname, ':', @@port),
    CONNECTION_ID(), UTC_TIMESTAMP(6), UTC_TIMESTAMP(6) + INTERVAL 60 SECOND)");
var_dump($db->affected_rows);

$start = hrtime(true);
$report = pet_migrate_activate($config);
$elapsed = (hrtime(true) - $start) / 1e9;
pet_assert_report($report, 'activate while locked');
echo 'activate while locked: ', pet_summary($report), "\n";
var_dump($elapsed >= 0.5 && $elapsed < 5.0);

$start = hrtime(true);
$report = pet_migrate_status($config);
$elapsed = (hrtime(true) - $start) / 1e9;
echo 'status while locked: ', pet_summary($report), ', mode ', $report['mode'], "\n";
var_dump($elapsed < 0.5);
var_dump($db->query("SELECT count(*) FROM information_schema.tables WHERE table_schema = DATABASE()
    AND table_name = '{$prefix}pet_projects'")->fetch_row()[0]);

$db->query("UPDATE $lockTable SET owner = NULL, lease_until = NULL WHERE name = 'migrations'");
var_dump($db->affected_rows);
echo 'activate after the lock is gone: ', pet_summary(pet_migrate_activate($config)), "\n";
?>
--EXPECT--
int(1)
activate while locked: PET_LOCKED pending=1
bool(true)
status while locked: PET_LOCKED pending=1, mode migrating
bool(true)
string(1) "0"
int(1)
activate after the lock is gone: PET_OK applied=1 newly_applied=1
