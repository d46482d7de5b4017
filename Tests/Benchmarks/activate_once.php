<?php
/*
 * One pet_migrate_activate in a fresh PHP process (the benchmark's "PET via the PHP extension"
 * for apply and for the fresh-process no-op). The configuration comes as JSON in argv[1], and
 * "report_applied": false is added as the plugin's activation and upgrade checks add it; the
 * exit code is the result code, the report goes to stderr when it is not PET_OK.
 *
 *   php -d extension=bridge/modules/pet_migrate.so Tests/Benchmarks/activate_once.php '{"database":…}'
 */
$report = pet_migrate_activate(json_decode($argv[1], true, 16, JSON_THROW_ON_ERROR) + ['report_applied' => false]);
if ($report['result'] !== PET_OK) {
    fwrite(STDERR, json_encode($report) . "\n");
}
exit($report['result']);
