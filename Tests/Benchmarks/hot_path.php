<?php
/*
 * Benchmark: the path paid at every activation and upgrade check, when nothing is pending,
 * with 500 applied migrations, in a warm PHP process (as in a WordPress request).
 * Baseline, measured in the same run: the least any engine must do on that path — open a
 * connection and read the registry — done with PHP's own SQLite3 / mysqli.
 *
 *   php -d extension=bridge/modules/pet_migrate.so Tests/Benchmarks/hot_path.php [COUNT]
 * MariaDB figures need PET_TEST_MARIADB_* (scripts/mariadb-test-server.sh env).
 */
$count = (int) ($argv[1] ?? 500);
$iterations = 200;
$dir = sys_get_temp_dir() . '/pet-bench-' . getmypid();
@mkdir($dir . '/migrations', 0777, true);
for ($i = 1; $i <= $count; $i++) {
    $version = sprintf('2026_01_%02d_%04d', 1 + intdiv($i - 1, 1000), $i);
    file_put_contents("$dir/migrations/{$version}_table_$i.json", json_encode(['steps' => [[
        'op' => 'create_table', 'table' => "pet_bench_$i",
        'columns' => [['name' => 'id', 'type' => 'bigint', 'auto_increment' => true], ['name' => 'v', 'type' => 'string', 'length' => 40]],
        'primary_key' => ['id'],
    ]]], JSON_PRETTY_PRINT));
}

function measure(callable $call, int $iterations): float {
    $call();
    $start = hrtime(true);
    for ($i = 0; $i < $iterations; $i++) { $call(); }
    return (hrtime(true) - $start) / $iterations / 1e6;
}

function row(string $what, float $ms, ?float $baseline = null): void {
    printf("%-52s %8.3f ms%s\n", $what, $ms, $baseline ? sprintf('   %5.1fx baseline', $ms / $baseline) : '');
}

$targets = [['sqlite', ['driver' => 'sqlite', 'path' => "$dir/site.db"]]];
if (getenv('PET_TEST_MARIADB_HOST')) {
    $admin = new mysqli(getenv('PET_TEST_MARIADB_HOST'), getenv('PET_TEST_MARIADB_USER'), getenv('PET_TEST_MARIADB_PASSWORD'), getenv('PET_TEST_MARIADB_DATABASE'), (int) getenv('PET_TEST_MARIADB_PORT'));
    $admin->query('DROP DATABASE IF EXISTS pet_bench');
    $admin->query('CREATE DATABASE pet_bench');
    $targets[] = ['mariadb', ['driver' => 'mariadb', 'host' => getenv('PET_TEST_MARIADB_HOST'), 'port' => (int) getenv('PET_TEST_MARIADB_PORT'),
        'user' => getenv('PET_TEST_MARIADB_USER'), 'password' => getenv('PET_TEST_MARIADB_PASSWORD'), 'name' => 'pet_bench']];
}

printf("PET Migrate hot path: %d applied migrations, mean of %d calls in one warm PHP process\n", $count, $iterations);
foreach ($targets as [$name, $database]) {
    $config = ['database' => $database, 'prefix' => 'wp_', 'migrations_dir' => "$dir/migrations"];
    $start = hrtime(true);
    $first = pet_migrate_activate($config);
    printf("\n[%s] first activation applied %d migrations in %.0f ms (%s)\n", $name, count($first['newly_applied']), (hrtime(true) - $start) / 1e6, $first['result_name']);
    if ($name === 'sqlite') {
        $baseline = measure(function () use ($dir) {
            $db = new SQLite3("$dir/site.db", SQLITE3_OPEN_READWRITE);
            $result = $db->query('SELECT version, checksum FROM wp_pet_migrations ORDER BY version');
            while ($result->fetchArray(SQLITE3_NUM)) {}
            $db->close();
        }, $iterations);
    } else {
        $baseline = measure(function () use ($database) {
            $db = new mysqli($database['host'], $database['user'], $database['password'], $database['name'], $database['port']);
            $result = $db->query('SELECT version, checksum FROM wp_pet_migrations ORDER BY version');
            while ($result->fetch_row()) {}
            $db->close();
        }, $iterations);
    }
    row("baseline: connect + read the registry (PHP)", $baseline);
    row("pet_migrate_lint (files only, no database)", measure(fn() => pet_migrate_lint($config), $iterations), $baseline);
    row("pet_migrate_status", measure(fn() => pet_migrate_status($config), $iterations), $baseline);
    $activate = measure(fn() => pet_migrate_activate($config), $iterations);
    row("pet_migrate_activate, nothing pending", $activate, $baseline);
}
if (isset($admin)) { $admin->query('DROP DATABASE IF EXISTS pet_bench'); }
array_map('unlink', glob("$dir/migrations/*") ?: []);
@rmdir("$dir/migrations");
array_map('unlink', glob("$dir/site.db*") ?: []);
@rmdir($dir);
