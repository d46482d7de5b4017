<?php
/*
 * The warm-PHP part of the benchmark (run by Tests/Benchmarks/benchmark.py, see
 * scripts/benchmark.sh): the path paid at every activation and upgrade check when nothing is
 * pending, in a warm PHP process (as in a WordPress request served by php-fpm).
 *
 * Floor, measured in the same process and interleaved with PET: the least any engine must do
 * on that path — open a connection and read the registry — with PHP's own mysqli / SQLite3.
 * PET: one pet_migrate_activate per call, nothing pending, with "report_applied": false as the
 * plugin's activation and upgrade checks call it (they read the schema version, not the list).
 *
 *   php -d extension=bridge/modules/pet_migrate.so Tests/Benchmarks/hot_path.php '{"config":{…},
 *       "iterations":200,"blocks":10,"warmup":20}'
 * prints one JSON object: the per-call samples in milliseconds for the floor and for PET.
 */
$input = json_decode($argv[1] ?? '', true, 16, JSON_THROW_ON_ERROR);
$config = $input['config'];
$database = $config['database'];
$iterations = max(1, (int) ($input['iterations'] ?? 200));
$blocks = max(1, min($iterations, (int) ($input['blocks'] ?? 10)));
$warmup = max(1, (int) ($input['warmup'] ?? 20));
$registry = ($config['prefix'] ?? 'wp_') . 'pet_migrations';

if ($database['driver'] === 'sqlite') {
    $floor = function () use ($database, $registry): int {
        $db = new SQLite3($database['path'], SQLITE3_OPEN_READWRITE);
        $result = $db->query("SELECT version, checksum FROM $registry ORDER BY version");
        $rows = 0;
        while ($result->fetchArray(SQLITE3_NUM)) { $rows++; }
        $db->close();
        return $rows;
    };
} else {
    $floor = function () use ($database, $registry): int {
        $db = new mysqli($database['host'], $database['user'], $database['password'], $database['name'], $database['port']);
        $result = $db->query("SELECT version, checksum FROM $registry ORDER BY version");
        $rows = 0;
        while ($result->fetch_row()) { $rows++; }
        $db->close();
        return $rows;
    };
}
$petConfig = $config + ['report_applied' => false];
$pet = function () use ($petConfig): int {
    $report = pet_migrate_activate($petConfig);
    if ($report['result'] !== PET_OK || !empty($report['newly_applied'])) {
        fwrite(STDERR, 'hot_path: pet_migrate_activate did not report a no-op: ' . json_encode($report) . "\n");
        exit(1);
    }
    return $report['applied_count'];
};

// Warm up both paths (opcache-free CLI, but the extension, the client libraries and the
// server's caches all get touched), then interleave them in blocks so that drift in the
// machine's load falls on both alike.
for ($i = 0; $i < $warmup; $i++) { $floorRows = $floor(); $petApplied = $pet(); }
$samples = ['floor' => [], 'pet' => []];
$perBlock = intdiv($iterations + $blocks - 1, $blocks);
for ($block = 0; $block < $blocks; $block++) {
    foreach (['floor' => $floor, 'pet' => $pet] as $name => $call) {
        for ($i = 0; $i < $perBlock; $i++) {
            $start = hrtime(true);
            $call();
            $samples[$name][] = (hrtime(true) - $start) / 1e6;
        }
    }
}
echo json_encode(['floor_ms' => $samples['floor'], 'pet_ms' => $samples['pet'],
    'floor_rows' => $floorRows, 'pet_applied' => $petApplied]), "\n";
