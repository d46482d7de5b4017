--TEST--
pet_migrate: files lists what the engine would read, by the engine's name rule, and its fingerprint notices every change
--EXTENSIONS--
pet_migrate
--FILE--
<?php
require __DIR__ . '/pet_migrate.inc';

$dir = pet_tmpdir();
$first = file_get_contents(PET_MIGRATIONS . '/2026_02_10_0001_create_core_tables.json');
file_put_contents("$dir/2026_02_10_0001_create_core_tables.json", $first);
file_put_contents("$dir/.gitkeep", '');

$report = pet_migrate_files(['migrations_dir' => $dir]);
pet_assert_report($report, 'files');
echo $report['result_name'], ' ', json_encode(array_map(fn ($f) => [$f['file'], $f['version'], $f['name']], $report['files'])), "\n";
echo 'newest ', $report['newest_version'], ', fingerprint ', preg_match('/^[0-9a-f]{16}$/', $report['fingerprint']) ? 'hex' : 'bad', "\n";
echo 'newest_change has nanoseconds: ', preg_match('/^\d+\.\d{9}$/', $report['newest_change']) ? 'yes' : 'no', "\n";
echo 'recent: ', abs((float) $report['listed_at'] - (float) $report['newest_change']) < 60 ? 'yes' : 'no', "\n";

/* The same config as every other function (a database is allowed, never opened). */
$same = pet_migrate_files(['migrations_dir' => $dir, 'database' => ['driver' => 'sqlite', 'path' => '/nonexistent/x.db']]);
echo 'unchanged: ', $same['fingerprint'] === $report['fingerprint'] ? 'same' : 'differs', "\n";

/* Two files within the same second: each one changes the fingerprint. */
$seen = [$report['fingerprint']];
foreach (['2026_03_01_0001_one.json', '2026_03_01_0002_two.json'] as $name) {
    file_put_contents("$dir/$name", '{"steps": [');
    $seen[] = pet_migrate_files(['migrations_dir' => $dir])['fingerprint'];
}
/* Writing the rest of a file (same name, same second) changes it too. */
file_put_contents("$dir/2026_03_01_0002_two.json", '{"description": "x", "steps": []}', FILE_APPEND);
$after = pet_migrate_files(['migrations_dir' => $dir]);
$seen[] = $after['fingerprint'];
echo 'distinct fingerprints: ', count(array_unique($seen)), ' of ', count($seen), "\n";
echo 'newest ', $after['newest_version'], ', result ', $after['result_name'], " (contents are never read)\n";

/* The fingerprint is FNV-1a (64 bits) over "FILE\0FINGERPRINT\n" per file in name order: a
   deployment key stored by an earlier version stays valid. */
$text = '';
foreach ($after['files'] as $f) { $text .= $f['file'] . "\0" . $f['fingerprint'] . "\n"; }
echo 'fingerprint is fnv1a64 of the entries: ', hash('fnv1a64', $text) === $after['fingerprint'] ? 'yes' : 'no', "\n";

/* Without the per-file entries (what the plugin asks on every request): the same answer. */
function pet_without_files(array $report) { unset($report['files'], $report['listed_at']); return $report; }
$brief = pet_migrate_files(['migrations_dir' => $dir, 'report_files' => false]);
echo 'report_files false: files ', json_encode($brief['files']), ', file_count ', $brief['file_count'], ' of ', count($after['files']),
    ', the rest ', pet_without_files($brief) === pet_without_files($after) ? 'identical' : 'differs', "\n";

/* A badly named file and a directory: invalid, each named, by the engine's rule. */
file_put_contents("$dir/2026_03_01_0003_Bad-Name.json", '{}');
file_put_contents("$dir/notes.txt", 'x');
mkdir("$dir/2026_03_01_0004_folder.json");
$bad = pet_migrate_files(['migrations_dir' => $dir]);
echo $bad['result_name'], ' ', json_encode(array_map(fn ($p) => [$p['kind'], $p['file']], $bad['problems'])), "\n";
echo 'report_files false, invalid: ', pet_without_files(pet_migrate_files(['migrations_dir' => $dir, 'report_files' => false])) === pet_without_files($bad) ? 'identical' : 'differs', "\n";
echo 'lint agrees on the names: ', json_encode(array_values(array_unique(array_map(fn ($p) => $p['file'], array_filter(pet_migrate_lint(['migrations_dir' => $dir])['problems'], fn ($p) => $p['kind'] === 'file_name'))))), "\n";

/* Configuration errors: PET_CONFIG with a reason, never an exception. */
foreach ([[], ['migrations_dir' => "$dir/missing"], ['migrations_dir' => 5], ['migrations_dir' => $dir, 'colour' => 'blue']] as $config) {
    $r = pet_migrate_files($config);
    echo $r['result_name'], ': ', $r['message'] !== '' ? 'says why' : 'silent', "\n";
}
try {
    pet_migrate_files('x');
} catch (TypeError $e) {
    echo get_class($e), "\n";
}
?>
--EXPECT--
PET_OK [["2026_02_10_0001_create_core_tables.json","2026_02_10_0001","create_core_tables"]]
newest 2026_02_10_0001, fingerprint hex
newest_change has nanoseconds: yes
recent: yes
unchanged: same
distinct fingerprints: 4 of 4
newest 2026_03_01_0002, result PET_OK (contents are never read)
fingerprint is fnv1a64 of the entries: yes
report_files false: files null, file_count 3 of 3, the rest identical
PET_INVALID [["file_name","2026_03_01_0003_Bad-Name.json"],["unreadable","2026_03_01_0004_folder.json"],["file_name","notes.txt"]]
report_files false, invalid: identical
lint agrees on the names: ["2026_03_01_0003_Bad-Name.json","notes.txt"]
PET_CONFIG: says why
PET_CONFIG: says why
PET_CONFIG: says why
PET_CONFIG: says why
TypeError
