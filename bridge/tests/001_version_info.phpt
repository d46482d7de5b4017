--TEST--
pet_migrate: the extension loads, pet_migrate_version() and php --ri information
--EXTENSIONS--
pet_migrate
--FILE--
<?php
$version = pet_migrate_version();
var_dump(preg_match('/^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$/', $version));
var_dump(phpversion('pet_migrate') === '0.1.0');

/* What `php --ri pet_migrate` prints. */
$extension = new ReflectionExtension('pet_migrate');
ob_start();
$extension->info();
$info = ob_get_clean();
echo preg_replace('/^(Engine (?:version|library)) => .*$/m', '$1 => …', $info);
var_dump(str_contains($info, "Engine version => $version\n"));
var_dump(preg_match('~^Engine library => /\S+/libpet_migrate\.so~m', $info));

var_dump($extension->getDependencies());
$functions = array_keys($extension->getFunctions());
sort($functions);
echo implode("\n", $functions), "\n";
?>
--EXPECT--
int(1)
bool(true)

pet_migrate

PET Migrate support => enabled
Extension version => 0.1.0
Engine version => …
Engine library => …
bool(true)
int(1)
array(1) {
  ["json"]=>
  string(8) "Required"
}
pet_migrate_activate
pet_migrate_cutover
pet_migrate_events
pet_migrate_files
pet_migrate_lint
pet_migrate_pause
pet_migrate_resume
pet_migrate_rollout_bucket
pet_migrate_status
pet_migrate_verify
pet_migrate_version
