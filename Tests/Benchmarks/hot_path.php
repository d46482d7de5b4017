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
 * prints one JSON object: the per-call samples in milliseconds for the floor and for PET, and
 * the same for the per-request deployment check (listing the folder).
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

// The deployment check the plugin makes on every request: list the folder and stat each
// file. Floor: PHP doing just that itself; PET: pet_migrate_files as the plugin calls it
// (fingerprint, newest version and problems, no entry per file).
$directory = $config['migrations_dir'];
$listingFloor = function () use ($directory): int {
    clearstatcache();
    $files = 0;
    foreach (scandir($directory) as $name) {
        if ($name[0] !== '.' && lstat("$directory/$name")) { $files++; }
    }
    return $files;
};
$listingPet = function () use ($directory): int {
    return pet_migrate_files(['migrations_dir' => $directory, 'report_files' => false])['file_count'];
};

// Warm up both paths (opcache-free CLI, but the extension, the client libraries and the
// server's caches all get touched), then interleave them in blocks so that drift in the
// machine's load falls on both alike.
for ($i = 0; $i < $warmup; $i++) { $floorRows = $floor(); $petApplied = $pet(); $listedFloor = $listingFloor(); $listedPet = $listingPet(); }
if ($listedFloor !== $listedPet) {
    fwrite(STDERR, "hot_path: PHP listed $listedFloor files, pet_migrate_files $listedPet\n");
    exit(1);
}
$samples = ['floor' => [], 'pet' => [], 'listing_floor' => [], 'listing_pet' => []];
$perBlock = intdiv($iterations + $blocks - 1, $blocks);
for ($block = 0; $block < $blocks; $block++) {
    foreach (['floor' => $floor, 'pet' => $pet, 'listing_floor' => $listingFloor, 'listing_pet' => $listingPet] as $name => $call) {
        for ($i = 0; $i < $perBlock; $i++) {
            $start = hrtime(true);
            $call();
            $samples[$name][] = (hrtime(true) - $start) / 1e6;
        }
    }
}
echo json_encode(['floor_ms' => $samples['floor'], 'pet_ms' => $samples['pet'],
    'listing_floor_ms' => $samples['listing_floor'], 'listing_pet_ms' => $samples['listing_pet'],
    'floor_rows' => $floorRows, 'pet_applied' => $petApplied, 'files' => $listedPet]), "\n";
