--TEST--
pet_migrate: result code constants have the numbers of include/pet_migrate.h
--EXTENSIONS--
pet_migrate
--FILE--
<?php
$constants = (new ReflectionExtension('pet_migrate'))->getConstants();
var_dump($constants);

/* The header is the source of truth: compare with its #defines. */
preg_match_all('/^#define (PET_[A-Z_]+)\s+(\d+)/m', file_get_contents(__DIR__ . '/../../include/pet_migrate.h'), $m);
var_dump(array_map('intval', array_combine($m[1], $m[2])) === $constants);
?>
--EXPECT--
array(6) {
  ["PET_OK"]=>
  int(0)
  ["PET_PENDING"]=>
  int(1)
  ["PET_LOCKED"]=>
  int(2)
  ["PET_MAINTENANCE"]=>
  int(3)
  ["PET_INVALID"]=>
  int(4)
  ["PET_CONFIG"]=>
  int(5)
}
bool(true)
