--TEST--
pet_migrate: arguments of the wrong type or number raise TypeError / ArgumentCountError
--EXTENSIONS--
pet_migrate
--FILE--
<?php
$functions = ['pet_migrate_activate', 'pet_migrate_status', 'pet_migrate_events', 'pet_migrate_lint',
    'pet_migrate_resume', 'pet_migrate_pause'];
$arguments = ['a string' => '{"database":{}}', 'null' => null, 'an int' => 5, 'an object' => new stdClass()];

foreach ($functions as $function) {
    foreach ($arguments as $label => $argument) {
        try {
            $function($argument);
            echo "$function($label): no exception\n";
        } catch (TypeError $e) {
            echo get_class($e), ': ', $e->getMessage(), "\n";
        }
    }
    try {
        $function();
    } catch (ArgumentCountError $e) {
        echo get_class($e), ': ', $e->getMessage(), "\n";
    }
    try {
        $function([], []);
    } catch (ArgumentCountError $e) {
        echo get_class($e), ': ', $e->getMessage(), "\n";
    }
}
try {
    pet_migrate_version('x');
} catch (ArgumentCountError $e) {
    echo get_class($e), ': ', $e->getMessage(), "\n";
}
?>
--EXPECT--
TypeError: pet_migrate_activate(): Argument #1 ($config) must be of type array, string given
TypeError: pet_migrate_activate(): Argument #1 ($config) must be of type array, null given
TypeError: pet_migrate_activate(): Argument #1 ($config) must be of type array, int given
TypeError: pet_migrate_activate(): Argument #1 ($config) must be of type array, stdClass given
ArgumentCountError: pet_migrate_activate() expects exactly 1 argument, 0 given
ArgumentCountError: pet_migrate_activate() expects exactly 1 argument, 2 given
TypeError: pet_migrate_status(): Argument #1 ($config) must be of type array, string given
TypeError: pet_migrate_status(): Argument #1 ($config) must be of type array, null given
TypeError: pet_migrate_status(): Argument #1 ($config) must be of type array, int given
TypeError: pet_migrate_status(): Argument #1 ($config) must be of type array, stdClass given
ArgumentCountError: pet_migrate_status() expects exactly 1 argument, 0 given
ArgumentCountError: pet_migrate_status() expects exactly 1 argument, 2 given
TypeError: pet_migrate_events(): Argument #1 ($config) must be of type array, string given
TypeError: pet_migrate_events(): Argument #1 ($config) must be of type array, null given
TypeError: pet_migrate_events(): Argument #1 ($config) must be of type array, int given
TypeError: pet_migrate_events(): Argument #1 ($config) must be of type array, stdClass given
ArgumentCountError: pet_migrate_events() expects exactly 1 argument, 0 given
ArgumentCountError: pet_migrate_events() expects exactly 1 argument, 2 given
TypeError: pet_migrate_lint(): Argument #1 ($config) must be of type array, string given
TypeError: pet_migrate_lint(): Argument #1 ($config) must be of type array, null given
TypeError: pet_migrate_lint(): Argument #1 ($config) must be of type array, int given
TypeError: pet_migrate_lint(): Argument #1 ($config) must be of type array, stdClass given
ArgumentCountError: pet_migrate_lint() expects exactly 1 argument, 0 given
ArgumentCountError: pet_migrate_lint() expects exactly 1 argument, 2 given
TypeError: pet_migrate_resume(): Argument #1 ($config) must be of type array, string given
TypeError: pet_migrate_resume(): Argument #1 ($config) must be of type array, null given
TypeError: pet_migrate_resume(): Argument #1 ($config) must be of type array, int given
TypeError: pet_migrate_resume(): Argument #1 ($config) must be of type array, stdClass given
ArgumentCountError: pet_migrate_resume() expects exactly 1 argument, 0 given
ArgumentCountError: pet_migrate_resume() expects exactly 1 argument, 2 given
TypeError: pet_migrate_pause(): Argument #1 ($config) must be of type array, string given
TypeError: pet_migrate_pause(): Argument #1 ($config) must be of type array, null given
TypeError: pet_migrate_pause(): Argument #1 ($config) must be of type array, int given
TypeError: pet_migrate_pause(): Argument #1 ($config) must be of type array, stdClass given
ArgumentCountError: pet_migrate_pause() expects exactly 1 argument, 0 given
ArgumentCountError: pet_migrate_pause() expects exactly 1 argument, 2 given
ArgumentCountError: pet_migrate_version() expects exactly 0 arguments, 1 given
