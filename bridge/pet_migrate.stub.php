<?php

/** @generate-class-entries */

/**
 * @var int
 * @cvalue PET_OK
 */
const PET_OK = UNKNOWN;
/**
 * @var int
 * @cvalue PET_PENDING
 */
const PET_PENDING = UNKNOWN;
/**
 * @var int
 * @cvalue PET_LOCKED
 */
const PET_LOCKED = UNKNOWN;
/**
 * @var int
 * @cvalue PET_MAINTENANCE
 */
const PET_MAINTENANCE = UNKNOWN;
/**
 * @var int
 * @cvalue PET_INVALID
 */
const PET_INVALID = UNKNOWN;
/**
 * @var int
 * @cvalue PET_CONFIG
 */
const PET_CONFIG = UNKNOWN;

function pet_migrate_activate(array $config): array {}

function pet_migrate_status(array $config): array {}

function pet_migrate_events(array $config): array {}

function pet_migrate_lint(array $config): array {}

function pet_migrate_version(): string {}
