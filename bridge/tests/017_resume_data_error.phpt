--TEST--
pet_migrate_resume: a row that fails on its own stops the work with PET_MAINTENANCE (data_error naming table and key); fixed, resume finishes
--EXTENSIONS--
pet_migrate
sqlite3
--FILE--
<?php
require __DIR__ . '/pet_migrate.inc';

$dir = pet_tmpdir();
$path = "$dir/site.db";
mkdir("$dir/migrations");
file_put_contents("$dir/migrations/2026_01_01_0001_orders.json", PET_ORDERS_MIGRATION);
$config = ['database' => ['driver' => 'sqlite', 'path' => $path], 'prefix' => 'wp_', 'migrations_dir' => "$dir/migrations"];
echo pet_summary(pet_migrate_activate($config)), "\n";

/* Distinct totals, except that order 42 repeats order 7's: a unique index on the cents
 * makes that one row fail, and only that one. */
$db = new SQLite3($path);
$db->exec('BEGIN');
for ($id = 1; $id <= 100; $id++) {
    $db->exec(sprintf("INSERT INTO wp_orders (id, total) VALUES (%d, '%s')", $id, $id === 42 ? '7.00' : "$id.00"));
}
$db->exec('COMMIT');
file_put_contents("$dir/migrations/2026_01_02_0001_cents.json", '{"gates":"everything","steps":['
    . '{"op":"add_column","table":"orders","column":{"name":"total_cents","type":"bigint","nullable":true}},'
    . '{"op":"add_index","table":"orders","index":{"name":"total_cents","columns":["total_cents"],"unique":true}},'
    . '{"op":"backfill","table":"orders","set":{"total_cents":{"sqlite":"CAST(ROUND(CAST(total AS REAL) * 100) AS INTEGER)","mariadb":"ROUND(total * 100)"}}}]}');
$report = pet_migrate_activate($config);
echo pet_summary($report), ', gates ', $report['gates'], "\n";

echo "-- resume stops at the row\n";
$report = pet_migrate_resume($config);
pet_assert_report($report, 'resume');
echo pet_summary($report), ', mode ', $report['mode'], ', gates ', $report['gates'], "\n";
$error = $report['error'];
echo $error['kind'], ' ', $error['file'], ' ', $error['version'], ' step ', $error['step'], "\n";
var_dump(str_contains($error['reason'], 'wp_orders'), (bool) preg_match('/\b42\b/', $error['reason']));
var_dump($report['problems'] === [$error], $report['message'] !== '');
$item = $report['work'][0];
echo pet_work_summary($item), "\n";
var_dump($item['last_error'] === $error['reason']);
echo 'rows written before it: ', $db->querySingle('SELECT count(*) FROM wp_orders WHERE total_cents IS NOT NULL'),
    ', after it: ', $db->querySingle('SELECT count(*) FROM wp_orders WHERE id > 42 AND total_cents IS NOT NULL'), "\n";
$status = pet_migrate_status($config);
echo 'status: ', pet_summary($status), ', mode ', $status['mode'], ', ', $status['error']['kind'] ?? '-', "\n";
echo 'again: ', pet_summary(pet_migrate_resume($config)), "\n";

echo "-- the row fixed, resume goes on from there\n";
$db->exec("UPDATE wp_orders SET total = '42.00' WHERE id = 42");
$report = pet_migrate_resume($config);
echo pet_summary($report), ', mode ', $report['mode'], ', gates ', var_export($report['gates'], true), ', error ', var_export($report['error'], true), "\n";
echo pet_work_summary(end($report['work'])), "\n";
echo 'wrong: ', $db->querySingle('SELECT count(*) FROM wp_orders WHERE total_cents IS NOT id * 100'), "\n";
$db->close();
?>
--EXPECT--
PET_OK applied=1 newly_applied=1
PET_PENDING applied=2 newly_applied=1, gates everything
-- resume stops at the row
PET_MAINTENANCE applied=2, mode maintenance, gates everything
data_error 2026_01_02_0001_cents.json 2026_01_02_0001 step 3
bool(true)
bool(true)
bool(true)
bool(true)
2026_01_02_0001_cents step 3 backfill wp_orders->wp_orders failed gates=everything rows 41/100
bool(true)
rows written before it: 41, after it: 0
status: PET_MAINTENANCE applied=2, mode maintenance, data_error
again: PET_MAINTENANCE applied=2
-- the row fixed, resume goes on from there
PET_OK applied=2, mode ready, gates NULL, error NULL
2026_01_02_0001_cents step 3 backfill wp_orders->wp_orders done gates=everything rows 100/100
wrong: 0
