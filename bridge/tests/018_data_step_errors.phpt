--TEST--
pet_migrate_activate: a data step that cannot work fails its migration at once (invalid_source, invalid_expression), undone, PET_MAINTENANCE
--EXTENSIONS--
pet_migrate
sqlite3
--FILE--
<?php
require __DIR__ . '/pet_migrate.inc';

$cases = [
    /* a table the site made itself (create_table always declares a primary key) */
    'a source without a primary key' => [
        PET_ORDERS_MIGRATION,
        '{"gates":"nothing","steps":[{"op":"add_column","table":"notes","column":{"name":"size","type":"bigint","nullable":true}},'
        . '{"op":"backfill","table":"notes","set":{"size":{"sqlite":"length(body)","mariadb":"CHAR_LENGTH(body)"}}}]}',
        'notes', 'CREATE TABLE wp_notes (body TEXT)',
    ],
    /* lint cannot know the columns of a table the set does not create: activation asks the server */
    'an expression the server cannot evaluate' => [
        PET_ORDERS_MIGRATION,
        '{"gates":"nothing","steps":[{"op":"add_column","table":"notes","column":{"name":"size","type":"bigint","nullable":true}},'
        . '{"op":"backfill","table":"notes","set":{"size":{"sqlite":"no_such_column * 100","mariadb":"no_such_column * 100"}}}]}',
        'notes', 'CREATE TABLE wp_notes (id INTEGER PRIMARY KEY, body TEXT)',
    ],
];
foreach ($cases as $label => [$first, $second, $table, $create]) {
    echo "-- $label\n";
    $dir = pet_tmpdir();
    mkdir("$dir/migrations");
    file_put_contents("$dir/migrations/2026_01_01_0001_create.json", $first);
    $config = ['database' => ['driver' => 'sqlite', 'path' => "$dir/site.db"], 'prefix' => 'wp_', 'migrations_dir' => "$dir/migrations"];
    echo pet_summary(pet_migrate_activate($config)), "\n";
    $db = new SQLite3("$dir/site.db");
    $db->exec("$create; INSERT INTO wp_notes (body) VALUES ('a'), ('bb')");
    $db->close();
    file_put_contents("$dir/migrations/2026_01_02_0001_fill.json", $second);
    echo 'lint: ', pet_summary(pet_migrate_lint($config)), "\n";
    $report = pet_migrate_activate($config);
    pet_assert_report($report, "activate ($label)");
    echo pet_summary($report), ', mode ', $report['mode'], "\n";
    echo $report['error']['kind'], ' ', $report['error']['file'], ' step ', $report['error']['step'], ', names the table: ',
        str_contains($report['error']['reason'], "wp_$table") ? 'yes' : $report['error']['reason'], "\n";
    var_dump($report['work']);
    /* undone: the column the migration added is gone again */
    $db = new SQLite3("$dir/site.db", SQLITE3_OPEN_READONLY);
    echo 'columns: ', implode(' ', array_column(iterator_to_array((function () use ($db, $table) {
        $rows = $db->query("PRAGMA table_info('wp_$table')");
        while ($row = $rows->fetchArray(SQLITE3_ASSOC)) {
            yield $row;
        }
    })(), false), 'name')), "\n";
    $db->close();
    echo 'resume: ', pet_summary(pet_migrate_resume($config)), "\n";
}
?>
--EXPECT--
-- a source without a primary key
PET_OK applied=1 newly_applied=1
lint: PET_OK pending=2
PET_MAINTENANCE applied=1 pending=1, mode maintenance
invalid_source 2026_01_02_0001_fill.json step 2, names the table: yes
array(0) {
}
columns: body
resume: PET_MAINTENANCE applied=1 pending=1
-- an expression the server cannot evaluate
PET_OK applied=1 newly_applied=1
lint: PET_OK pending=2
PET_MAINTENANCE applied=1 pending=1, mode maintenance
invalid_expression 2026_01_02_0001_fill.json step 2, names the table: yes
array(0) {
}
columns: id body
resume: PET_MAINTENANCE applied=1 pending=1
