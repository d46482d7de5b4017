--TEST--
pet_migrate: lint tells a good migrations directory from bad ones, naming the file
--EXTENSIONS--
pet_migrate
--FILE--
<?php
require __DIR__ . '/pet_migrate.inc';

$report = pet_migrate_lint(['migrations_dir' => PET_MIGRATIONS]);
pet_assert_report($report, 'lint php/migrations');
echo 'php/migrations: ', $report['result_name'], ', error ', json_encode($report['error'] ?? null), "\n";

$root = pet_tmpdir();
$first = file_get_contents(PET_MIGRATIONS . '/2026_02_10_0001_create_core_tables.json');
$sets = [
    'good copy' => [],
    'bad file name' => ['2026_02_10_0002_Bad-Name.json' => $first],
    'stray file' => ['notes.txt' => 'not a migration'],
    'duplicate version' => ['2026_02_10_0001_again.json' => $first],
    'malformed JSON' => ['2026_02_11_0001_broken.json' => '{"steps": ['],
    'destructive step' => ['2026_02_11_0001_drop_tasks.json' =>
        '{"description":"drops","steps":[{"op":"drop_table","table":"pet_tasks"}]}'],
];
foreach ($sets as $label => $files) {
    $dir = "$root/" . str_replace(' ', '_', $label);
    mkdir($dir);
    file_put_contents("$dir/2026_02_10_0001_create_core_tables.json", $first);
    foreach ($files as $name => $content) {
        file_put_contents("$dir/$name", $content);
    }
    $report = pet_migrate_lint(['migrations_dir' => $dir]);
    pet_assert_report($report, "lint $label");
    $named = $files === [] || str_contains(json_encode($report, JSON_UNESCAPED_SLASHES), array_key_first($files));
    $kind = $report['error']['kind'] ?? 'none';
    if ($kind === 'invalid_step' && str_contains($report['error']['reason'], 'destructive')) {
        $kind = 'destructive'; /* an unknown destructive op is reported as an invalid step */
    }
    printf("%s: %s, kind %s, names the file: %s\n", $label, $report['result_name'], $kind, $named ? 'yes' : 'no');
}
?>
--EXPECT--
php/migrations: PET_OK, error null
good copy: PET_OK, kind none, names the file: yes
bad file name: PET_INVALID, kind file_name, names the file: yes
stray file: PET_INVALID, kind file_name, names the file: yes
duplicate version: PET_INVALID, kind duplicate_version, names the file: yes
malformed JSON: PET_INVALID, kind syntax, names the file: yes
destructive step: PET_INVALID, kind destructive, names the file: yes
