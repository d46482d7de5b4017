--TEST--
pet_migrate: a config that cannot be encoded as JSON raises ValueError and changes nothing
--EXTENSIONS--
pet_migrate
--FILE--
<?php
require __DIR__ . '/pet_migrate.inc';

class Throws implements JsonSerializable
{
    public function jsonSerialize(): mixed { throw new LogicException('from jsonSerialize'); }
}

$dir = pet_tmpdir();
$good = pet_sqlite_config("$dir/site.db");
$recursive = $good;
$recursive['self'] = &$recursive;
$deep = 'bottom';
for ($i = 0; $i < 600; $i++) {
    $deep = [$deep];
}

$cases = [
    'a resource' => $good + ['log' => fopen('php://memory', 'r')],
    'NAN' => $good + ['lock_timeout_seconds' => NAN],
    'INF' => ['lock_timeout_seconds' => INF] + $good,
    'invalid UTF-8' => ['prefix' => "wp_\xff"] + $good,
    'a nested resource' => ['database' => ['driver' => 'sqlite', 'path' => STDIN]] + $good,
    'recursion' => $recursive,
    'depth 600' => ['deep' => $deep] + $good,
];

json_decode('{');
$before = json_last_error();
foreach (['pet_migrate_activate', 'pet_migrate_status', 'pet_migrate_events', 'pet_migrate_lint',
        'pet_migrate_resume', 'pet_migrate_pause'] as $function) {
    foreach ($cases as $label => $config) {
        try {
            $function($config);
            echo "$function($label): no exception\n";
        } catch (ValueError $e) {
            echo $e->getMessage(), "\n";
        }
    }
}
try {
    pet_migrate_status(['x' => new Throws()] + $good);
} catch (LogicException $e) {
    echo get_class($e), ': ', $e->getMessage(), "\n";
}
var_dump(json_last_error() === $before);
var_dump(file_exists("$dir/site.db"));
?>
--EXPECT--
pet_migrate_activate(): Argument #1 ($config) cannot be encoded as JSON: Type is not supported
pet_migrate_activate(): Argument #1 ($config) cannot be encoded as JSON: Inf and NaN cannot be JSON encoded
pet_migrate_activate(): Argument #1 ($config) cannot be encoded as JSON: Inf and NaN cannot be JSON encoded
pet_migrate_activate(): Argument #1 ($config) cannot be encoded as JSON: Malformed UTF-8 characters, possibly incorrectly encoded
pet_migrate_activate(): Argument #1 ($config) cannot be encoded as JSON: Type is not supported
pet_migrate_activate(): Argument #1 ($config) cannot be encoded as JSON: Recursion detected
pet_migrate_activate(): Argument #1 ($config) cannot be encoded as JSON: Maximum stack depth exceeded
pet_migrate_status(): Argument #1 ($config) cannot be encoded as JSON: Type is not supported
pet_migrate_status(): Argument #1 ($config) cannot be encoded as JSON: Inf and NaN cannot be JSON encoded
pet_migrate_status(): Argument #1 ($config) cannot be encoded as JSON: Inf and NaN cannot be JSON encoded
pet_migrate_status(): Argument #1 ($config) cannot be encoded as JSON: Malformed UTF-8 characters, possibly incorrectly encoded
pet_migrate_status(): Argument #1 ($config) cannot be encoded as JSON: Type is not supported
pet_migrate_status(): Argument #1 ($config) cannot be encoded as JSON: Recursion detected
pet_migrate_status(): Argument #1 ($config) cannot be encoded as JSON: Maximum stack depth exceeded
pet_migrate_events(): Argument #1 ($config) cannot be encoded as JSON: Type is not supported
pet_migrate_events(): Argument #1 ($config) cannot be encoded as JSON: Inf and NaN cannot be JSON encoded
pet_migrate_events(): Argument #1 ($config) cannot be encoded as JSON: Inf and NaN cannot be JSON encoded
pet_migrate_events(): Argument #1 ($config) cannot be encoded as JSON: Malformed UTF-8 characters, possibly incorrectly encoded
pet_migrate_events(): Argument #1 ($config) cannot be encoded as JSON: Type is not supported
pet_migrate_events(): Argument #1 ($config) cannot be encoded as JSON: Recursion detected
pet_migrate_events(): Argument #1 ($config) cannot be encoded as JSON: Maximum stack depth exceeded
pet_migrate_lint(): Argument #1 ($config) cannot be encoded as JSON: Type is not supported
pet_migrate_lint(): Argument #1 ($config) cannot be encoded as JSON: Inf and NaN cannot be JSON encoded
pet_migrate_lint(): Argument #1 ($config) cannot be encoded as JSON: Inf and NaN cannot be JSON encoded
pet_migrate_lint(): Argument #1 ($config) cannot be encoded as JSON: Malformed UTF-8 characters, possibly incorrectly encoded
pet_migrate_lint(): Argument #1 ($config) cannot be encoded as JSON: Type is not supported
pet_migrate_lint(): Argument #1 ($config) cannot be encoded as JSON: Recursion detected
pet_migrate_lint(): Argument #1 ($config) cannot be encoded as JSON: Maximum stack depth exceeded
pet_migrate_resume(): Argument #1 ($config) cannot be encoded as JSON: Type is not supported
pet_migrate_resume(): Argument #1 ($config) cannot be encoded as JSON: Inf and NaN cannot be JSON encoded
pet_migrate_resume(): Argument #1 ($config) cannot be encoded as JSON: Inf and NaN cannot be JSON encoded
pet_migrate_resume(): Argument #1 ($config) cannot be encoded as JSON: Malformed UTF-8 characters, possibly incorrectly encoded
pet_migrate_resume(): Argument #1 ($config) cannot be encoded as JSON: Type is not supported
pet_migrate_resume(): Argument #1 ($config) cannot be encoded as JSON: Recursion detected
pet_migrate_resume(): Argument #1 ($config) cannot be encoded as JSON: Maximum stack depth exceeded
pet_migrate_pause(): Argument #1 ($config) cannot be encoded as JSON: Type is not supported
pet_migrate_pause(): Argument #1 ($config) cannot be encoded as JSON: Inf and NaN cannot be JSON encoded
pet_migrate_pause(): Argument #1 ($config) cannot be encoded as JSON: Inf and NaN cannot be JSON encoded
pet_migrate_pause(): Argument #1 ($config) cannot be encoded as JSON: Malformed UTF-8 characters, possibly incorrectly encoded
pet_migrate_pause(): Argument #1 ($config) cannot be encoded as JSON: Type is not supported
pet_migrate_pause(): Argument #1 ($config) cannot be encoded as JSON: Recursion detected
pet_migrate_pause(): Argument #1 ($config) cannot be encoded as JSON: Maximum stack depth exceeded
LogicException: from jsonSerialize
bool(true)
bool(false)
