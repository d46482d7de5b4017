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

/*
 * Each function below encodes $config as JSON (see include/pet_migrate.h for its keys),
 * calls the engine function of the same name and returns its report decoded into an
 * associative array: "result" (a PET_* constant), "result_name", "message", "mode",
 * "schema_version", "target_version", "applied", "pending", "error", ...
 * Engine failures (bad configuration, unreachable database, invalid migration set, lock
 * held elsewhere, failed migration) come back as "result", never as an exception.
 * Throws TypeError when $config is not an array, ValueError when it cannot be encoded as
 * JSON (resources, NAN/INF, invalid UTF-8, recursion), RuntimeException if the engine
 * returns no report or one that is not a JSON object.
 */

/** Validates the migration set and applies every pending migration in version order. */
function pet_migrate_activate(array $config): array {}

/** Read-only: where the schema stands; never takes or waits for the migration lock. */
function pet_migrate_status(array $config): array {}

/**
 * Runs the queued background data work (backfill and copy_rows steps) in chunks, after any
 * pending migration, until it is done or the next chunk would overrun $config["budget_ms"];
 * call it again while it returns PET_PENDING. The report's "work" lists each data step (status,
 * paused, throttle, rows_done, rows_estimated, percent, eta_seconds, current_key, last_error,
 * ...) and "gates" what PET must not do meanwhile ("nothing", "writes", "everything" or null).
 * PET_OK: no work remains; PET_PENDING: work remains (budget spent, paused by an operator, or
 * held by the load checks); PET_LOCKED at once: another runner holds the claim;
 * PET_MAINTENANCE: a row failed on its own (error kind "data_error", naming table and key).
 * Work paused with pet_migrate_pause() stays paused unless $config["resume_paused"] is true.
 * With $config["resume_applies_migrations"] false it applies no migration itself: it stops
 * once the work they waited behind is done and returns PET_PENDING with them in "pending".
 */
function pet_migrate_resume(array $config): array {}

/**
 * Pauses every unfinished background data step: a running pet_migrate_resume() stops before
 * its next chunk. PET_PENDING with the paused work in "work", or PET_OK when there is none.
 */
function pet_migrate_pause(array $config): array {}

/**
 * Verifies every copy with a cut-over flag whose copy is done and whose flag is off (one that is on is skipped):
 * range by range, what the new table holds against what the mapping computes from the old one,
 * repairing ranges that differ; within $config["budget_ms"], going on at the next call. Each
 * flag's figures (ranges_checked, mismatches_found, mismatches_repaired, passed) are in the
 * report's "cutovers". PET_OK: every flag checked passed; PET_PENDING: a copy still runs, a
 * pass is unfinished, or a range still differs (error kind "verification_failed").
 */
function pet_migrate_verify(array $config): array {}

/**
 * Switches a cut-over flag: $request is ["flag" => NAME, "action" => "on"|"off"|"finalize",
 * "percent" => 1..100 (on only), "actor" => who and from where]. PET_OK when switched;
 * PET_PENDING (error kind "cutover_refused") while the copy runs, before verification passed or
 * when the sync was missing; PET_CONFIG for an unknown flag, a bad request, a finalized flag, or
 * finalize while not fully on. The report's "flags" is what a host caches.
 * Throws TypeError/ValueError for either argument as the other functions do for $config.
 */
function pet_migrate_cutover(array $config, array $request): array {}

/**
 * Staged rollout without a query: the stable bucket (0 to 9999) of $key for $flag; a flag on for
 * P % is on for $key when the bucket is below P * 100. The same on every call, process and server
 * (SHA-256 of flag, NUL, key: first 6 bytes, big-endian, modulo 10000). Throws ValueError for
 * a string with a NUL byte or invalid UTF-8.
 */
function pet_migrate_rollout_bucket(string $flag, string $key): int {}

/** Read-only: the newest audit events (config "events_limit", default 50) in "events". */
function pet_migrate_events(array $config): array {}

/** Validates $config["migrations_dir"] without touching any database: PET_OK or PET_INVALID. */
function pet_migrate_lint(array $config): array {}

/**
 * Cheap and read-only: the migration files the engine would read from
 * $config["migrations_dir"], named by the engine's rule, without opening any of them. For
 * deployment detection on ordinary requests. Report: "files" (each "file", "version", "name",
 * "fingerprint"), "newest_version", "fingerprint" (of the whole listing; changes when any
 * file is added, removed, renamed or written), "newest_change" and "listed_at" (seconds with
 * nanoseconds, as text), "problems"; "result" is PET_OK, PET_INVALID (an entry cannot be a
 * migration) or PET_CONFIG (the directory cannot be read).
 */
function pet_migrate_files(array $config): array {}

/** The engine library's version, "MAJOR.MINOR.PATCH". */
function pet_migrate_version(): string {}
