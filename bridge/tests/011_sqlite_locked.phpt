--TEST--
pet_migrate: while another connection holds the SQLite write lock, activate is PET_LOCKED and status answers at once
--EXTENSIONS--
pet_migrate
sqlite3
--FILE--
<?php
require __DIR__ . '/pet_migrate.inc';

$dir = pet_tmpdir();
$path = "$dir/site.db";
$config = ['lock_timeout_seconds' => 1] + pet_sqlite_config($path);

$holder = new SQLite3($path);
$holder->exec('CREATE TABLE unrelated (id INTEGER)');
$holder->exec('BEGIN IMMEDIATE'); /* what the engine takes as its migration lock */

$start = hrtime(true);
$report = pet_migrate_activate($config);
$elapsed = (hrtime(true) - $start) / 1e9;
pet_assert_report($report, 'activate while locked');
echo 'activate while locked: ', pet_summary($report), "\n";
var_dump($elapsed >= 0.5 && $elapsed < 5.0);

$start = hrtime(true);
$report = pet_migrate_status($config);
$elapsed = (hrtime(true) - $start) / 1e9;
echo 'status while locked: ', pet_summary($report), "\n";
var_dump($elapsed < 0.5);

$holder->exec('COMMIT');
var_dump($holder->querySingle("SELECT count(*) FROM sqlite_master WHERE name LIKE 'wp_pet_%'"));
$holder->close();

echo 'activate after the lock is gone: ', pet_summary(pet_migrate_activate($config)), "\n";
?>
--EXPECT--
activate while locked: PET_LOCKED pending=1
bool(true)
status while locked: PET_PENDING pending=1
bool(true)
int(0)
activate after the lock is gone: PET_OK applied=1 newly_applied=1
