/*
 * pet_migrate.h — the C ABI of the PET Migrate engine (libpet_migrate.so).
 *
 * This header is the single source of truth for what the shared library exports.
 * Everything crosses the boundary as UTF-8 JSON text so that the PHP extension (and any
 * other host) stays a thin translation layer with no knowledge of the engine's types.
 *
 * Ownership
 *   - Strings passed in are borrowed for the duration of the call only.
 *   - Every `char **report_json` out-parameter receives a NUL-terminated string allocated
 *     by the library, or NULL if `report_json` itself was NULL. The caller releases it
 *     with pet_migrate_free(); never with free() from another allocator.
 *   - pet_migrate_version() returns a static string that must not be freed.
 *
 * Safety
 *   No function aborts the host process on bad input. NULL, malformed JSON, a missing key
 *   or a wrong type all return PET_CONFIG with a report whose "message" says what was wrong.
 *   Functions are safe to call from several threads, each with its own config; each call
 *   opens and closes its own database connection (never held across calls, so php-fpm
 *   workers forked after module start-up share nothing).
 *
 * Configuration (JSON object)
 *   {
 *     "database": { "driver": "sqlite", "path": "/var/lib/pet/site.db" }
 *              |  { "driver": "mariadb", "host": "127.0.0.1", "port": 3306,
 *                   "socket": "/run/mysqld/mysqld.sock", "user": "wp", "password": "…",
 *                   "name": "wordpress" },
 *     "prefix": "wp_",                       table prefix of the site (default "wp_"): letters,
 *                                            digits and underscores, at most 32; every
 *                                            table name is checked with it applied against
 *                                            MariaDB's 64-character limit
 *     "migrations_dir": "/path/migrations",  directory of VERSION_NAME.json files
 *     "lock_timeout_seconds": 5,             bounded wait for the migration lock (default 5,
 *                                            0 to 3600); 0 tries the lock once, and a held
 *                                            lock (or a busy SQLite file) is PET_LOCKED
 *     "ddl_lock_wait_seconds": 10,           MariaDB: bounded wait for a table another
 *                                            connection uses (1 to 3600); then the step
 *                                            fails cleanly
 *     "lock_lease_seconds": 60,              MariaDB: the migration lock is a row whose lease
 *                                            its holder renews as it works; a holder that
 *                                            dies is waited for this long by other Galera
 *                                            nodes (on its own server: not at all); 2 to 3600
 *     "events_limit": 50,                    pet_migrate_events only: newest N (default 50,
 *                                            1 to 10000)
 *     "budget_ms": 30000,                    pet_migrate_resume: how long one call may run
 *                                            background work (1 to 86400000 ms); it stops
 *                                            before the next chunk would overrun it. Absent:
 *                                            it runs until the work is done
 *     "chunk_target_ms": 200,                background work: how long one chunk aims to take
 *                                            (10 to 10000, default 200); the chunk size adapts
 *                                            to it, and the rows a chunk locks stay locked
 *                                            about this long
 *     "max_threads_running": 25,             background work on MariaDB: chunks wait while
 *                                            the server's Threads_running is above this
 *                                            (1 to 100000, default 25)
 *     "replicas": [ {"host", "port", "socket", "user", "password", "name"} … ],
 *                                            background work on MariaDB: replicas whose lag
 *                                            holds the chunks, each an object like a mariadb
 *                                            "database" ("driver" may be left out; only
 *                                            "mariadb" is accepted); refused with sqlite. A
 *                                            replica that cannot be read holds the work too.
 *                                            Their passwords are never reported either
 *     "max_replica_lag_ms": 1000,            the replica lag (measured by a heartbeat the
 *                                            engine writes) above which chunks wait
 *                                            (100 to 3600000, default 1000)
 *     "report_applied": true,                whether reports list every applied migration in
 *                                            "applied" (default true); false leaves it null
 *                                            ("applied_count" is always there): a host that
 *                                            only needs the schema version spares encoding and
 *                                            decoding hundreds of rows
 *     "report_files": true,                  pet_migrate_files: whether "files" lists every
 *                                            file (default true; see pet_migrate_files)
 *     "resume_paused": false,                pet_migrate_resume: also continue work an
 *                                            operator paused with pet_migrate_pause (default
 *                                            false: a scheduled runner leaves paused work
 *                                            alone until a person resumes it)
 *     "resume_applies_migrations": true,     pet_migrate_resume: whether it applies pending
 *                                            migrations, before the work and those that
 *                                            waited behind it (default true). false: it
 *                                            leaves them to the caller (unless it must first
 *                                            recover an interrupted migration or retry a
 *                                            failed one, as activate does), stops once the
 *                                            work they waited behind is done and returns
 *                                            PET_PENDING with them in "pending", so that a
 *                                            host can close its own features before calling
 *                                            pet_migrate_activate for their schema steps
 *     "test_faults": [ {"point", "action", "step", "version"} … ]
 *                                            crash tests only: honoured solely when the
 *                                            process environment has PET_MIGRATE_TEST_FAULTS=1
 *   }
 *   Unknown keys are refused (PET_CONFIG), so a misspelt setting is never silently ignored,
 *   and so is any value outside the rules above (numbers are read exactly: a whole number
 *   too large for the range is refused, never rounded or wrapped). No string may contain NUL.
 *   With the mariadb driver, host "localhost" means the Unix socket (as with every MySQL
 *   client); use "127.0.0.1" for TCP. The password never appears in any report or event.
 *
 * Report (JSON object), returned by every function
 *   {
 *     "result": 0,                 the result code below, also the function's return value
 *     "result_name": "PET_OK",
 *     "message": "…",              one sentence a site administrator can act on
 *     "mode": "ready",             ready | migrating | background | maintenance
 *     "schema_version": "…",       newest applied version, or null
 *     "target_version": "…",       newest version in the migration set, or null
 *     "applied": [ {"version","name","applied_at","checksum"} … ]   (null with
 *                                  config "report_applied": false),
 *     "applied_count": N,          how many migrations are applied,
 *     "pending": [ {"version","name"} … ],
 *     "newly_applied": [ "version" … ],          activate only
 *     "error": { "kind", "file", "version", "step", "reason" } | null,
 *     "problems": [ {"kind","file","version","step","reason"} … ],   every problem found
 *     "state": { "mode", "schema_version", "target_version", "current_version",
 *                "current_step", "last_error", "last_error_kind", "last_error_version",
 *                "last_error_step", "progress", "started_at", "updated_at" } (when known),
 *     "events": [ {"id","at","event","version","message"} … ],  events only
 *     "work": [ {…} … ],          background data work (backfill and copy_rows steps): the
 *                                 most recently finished steps (at most 10), then every
 *                                 unfinished one, each in version then step order; see below
 *     "gates": "nothing" | "writes" | "everything" | null,
 *                                 what PET must not do while background work remains: the
 *                                 strictest "gates" (which every migration with data
 *                                 steps declares) of the migrations whose work is
 *                                 unfinished; null when none remains
 *     "cutovers": [ {…} … ],      every cut-over flag (copy_rows steps with "cutover"); see below
 *     "flags": {"NAME": PERCENT, …}   each flag's share in effect (0 until it is cut over):
 *                                 what a host caches to read flags without a query
 *     "engine_version": "0.1.0"
 *   }
 *   Each "work" item:
 *     {"version", "migration",     the migration (its version, and VERSION_NAME or null)
 *      "step", "op",               1-based step number; "backfill" or "copy_rows"
 *      "source", "target",         the physical tables read and written (the same for backfill)
 *      "status",                   queued | running | failed | done
 *      "paused",                   true while an operator holds it (pet_migrate_pause)
 *      "throttle",                 why chunks wait right now (server busy, replica lag), or null
 *      "gates",                    what its migration gates meanwhile, as "gates" above
 *      "rows_done", "rows_written",   source rows walked, rows written so far
 *      "rows_estimated",           the source's row count when the work started, or null
 *      "rows_per_second", "eta_seconds", "percent",   whole numbers or null; percent is
 *                                  at most 99 until the step is done
 *      "current_key", "last_key",  the key the next chunk starts after, the last key of the
 *                                  range (fixed when the work starts), as text, or null
 *      "chunk_size",               rows in the next chunk, or null
 *      "last_error",               the failure that stopped it, or null
 *      "started_at", "updated_at", "finished_at"}   UTC timestamps, or null
 *   Each "cutovers" item:
 *     {"flag", "version", "step",  the flag and the copy_rows step that declares it
 *      "source_table", "target_table",
 *      "phase",                    copying | syncing | verified | cut_over | finalized
 *      "percent",                  the share in effect (0 before the cut-over)
 *      "gates",                    what its migration gates now: its "gates" while copying,
 *                                  "nothing" after
 *      "sync",                     none | forward | both | removed: the engine's triggers
 *      "sync_since",               when they were last (re)created
 *      "verification": {"passed", "in_progress", "started_at", "verified_at",
 *                       "ranges_checked", "mismatches_found", "mismatches_repaired", "problem"},
 *      "switched_at", "switched_by", "finalized_at"}
 *   Keys the work has no figure for yet are null. "step" is 1-based, as migration authors
 *   count. Error kinds: file_name, unreadable, syntax, duplicate_version, invalid_step,
 *   destructive, checksum_mismatch, missing_file, out_of_order (PET_INVALID); table_mismatch,
 *   missing_table, missing_column, lock_wait_timeout, connection, database_error (PET_MAINTENANCE);
 *   for data steps also invalid_source (the source table has no single-column primary key)
 *   and invalid_expression (the server cannot evaluate the step's expressions), which fail
 *   the migration at activation and undo it (PET_MAINTENANCE), and data_error: one row fails
 *   on its own in the background (PET_MAINTENANCE from pet_migrate_resume; "reason" names the
 *   table and the row's key; the work stops there, the rows before it stay written);
 *   verification_failed (pet_migrate_verify) and cutover_refused (pet_migrate_cutover).
 *   Keys may be added in later versions; hosts ignore keys they do not know.
 */
#ifndef PET_MIGRATE_H
#define PET_MIGRATE_H

#ifdef __cplusplus
extern "C" {
#endif

/* Result codes: the return value of the functions below, the exit code of `pet-migrate`,
 * and the "result" member of every report. `pet-migrate` answers a usage error (unknown
 * option, malformed value) with PET_CONFIG too, never with another exit code. */
#define PET_OK          0 /* the schema is at the target version; nothing left to do */
#define PET_PENDING     1 /* schema applied; chunked background work remains */
#define PET_LOCKED      2 /* another process holds the migration lock; nothing was changed */
#define PET_MAINTENANCE 3 /* a migration failed, was rolled back or compensated; maintenance mode */
#define PET_INVALID     4 /* the migration set is invalid; nothing ran */
#define PET_CONFIG      5 /* bad configuration or the database cannot be reached; nothing ran */

/* Validates the migration set, takes the migration lock only if something is pending,
 * recovers what a crashed run left, applies every pending migration in version order and
 * reports. Runs on plugin activation and upgrade, never on ordinary requests.
 * Data steps (backfill, copy_rows) are checked and queued with their migration, not run:
 * then it returns PET_PENDING with mode "background", the queued steps in "work", and
 * pet_migrate_resume runs them. A later migration that changes a table such work still
 * uses, and every migration after it, waits behind that work (it stays in "pending") and is
 * applied by pet_migrate_resume once the work is done. */
int pet_migrate_activate(const char *config_json, char **report_json);

/* Read-only: reports where the schema stands, and the background work in "work" and
 * "gates" (PET_PENDING while any remains, PET_MAINTENANCE when a row stopped it). Never
 * takes the migration lock, never waits on it and never writes. */
int pet_migrate_status(const char *config_json, char **report_json);

/* Runs background data work: first any pending migration (as pet_migrate_activate does),
 * then chunks of the queued backfill and copy_rows steps, each chunk one transaction that
 * advances the step's cursor (a process killed mid-way loses at most the chunk in flight),
 * until the work is done or the next chunk would overrun config "budget_ms" (every call
 * does at least one chunk unless the load checks hold it, so a budget too small for the
 * start-up still moves the work), then the migrations that waited behind that work. Chunks wait while the server is loaded
 * ("max_threads_running", "replicas", "max_replica_lag_ms"). Work an operator paused is left
 * alone unless config "resume_paused" is true. One runner at a time per site (on SQLite a
 * lock file PATH-pet-runner beside the database). Meant for a scheduled runner (WP-Cron,
 * WP-CLI), called again while it returns PET_PENDING.
 * Returns PET_OK when no work remains; PET_PENDING when some does ("work" says what: the
 * budget ran out, an operator paused it, or the load checks held it; or "pending" lists the
 * migrations still to apply after the work); PET_LOCKED at once,
 * without waiting, when another runner holds the claim (on MariaDB the claim is the
 * migration lock, so also while another process migrates); PET_MAINTENANCE
 * when a migration fails, or a single row fails on its own (error kind data_error, whose
 * reason names the table and the key); PET_INVALID and PET_CONFIG as for activate. */
int pet_migrate_resume(const char *config_json, char **report_json);

/* Holds every unfinished data step: a running pet_migrate_resume stops before its next chunk,
 * and later calls leave the work alone unless their config has "resume_paused": true.
 * Returns PET_PENDING with the work listed in "work" (each "paused": true), or PET_OK with
 * "There is no background work to pause." when there is none. */
int pet_migrate_pause(const char *config_json, char **report_json);

/* Verifies every copy with a cut-over flag whose copy is done and whose flag is off (while it
 * is on the site writes the new table, and such a flag is skipped): range by range along the source's key, the count and a SHA-256 of what the target
 * holds against what the step's mapping computes from the source, both read in one
 * snapshot; a range that differs is re-copied from the source (holding the source rows'
 * shared locks) and checked again. Takes the runner's claim (PET_LOCKED at once while a
 * runner works) and config "budget_ms": a pass cut short goes on from its cursor at the
 * next call. Returns PET_OK when every flag checked passed; PET_PENDING while a copy still
 * runs, a pass is unfinished, or a range still differs after its repair (error kind
 * verification_failed, the flag stays refused). Each flag's figures are in "cutovers". */
int pet_migrate_verify(const char *config_json, char **report_json);

/* Switches a cut-over flag as an operator asks. request_json:
 *   {"flag": "orders_v2",          the name a copy_rows step declares ("cutover")
 *    "action": "on" | "off" | "finalize",
 *    "percent": 5,                 "on" only: the share of keys that see it on, 1 to 100
 *                                  (default 100); see pet_migrate_rollout_bucket
 *    "actor": "…"}                 who asks and from where, for the audit event (at most
 *                                  200 characters, no control characters)
 * "on" is refused while the copy runs, before a verification has passed, or when the sync
 * triggers are missing (then recreated: verify again) — PET_PENDING, error kind
 * cutover_refused; it creates the reverse sync first, so writes to the new table reach the
 * old one. "off" sets the share to 0; both syncs stay. "finalize" (only when on for 100 %)
 * drops the engine's triggers and ends the reversible window; no table or column is ever
 * dropped. PET_CONFIG for an unknown flag, a bad request, a finalized flag, a finalize while
 * not fully on, or a reverse sync that could not write the old table. Every switch is one
 * "cutover" event naming the actor. */
int pet_migrate_cutover(const char *config_json, const char *request_json, char **report_json);

/* Staged rollout: the bucket (0 to 9999) of a key for a flag, stable across calls, processes
 * and servers: the first 6 bytes of SHA-256(flag NUL key), big-endian, modulo 10000. A flag
 * on for P % is on for the keys whose bucket is below P * 100. Pure: no database, no I/O.
 * Returns -1 for a NULL or non-UTF-8 argument. */
int pet_migrate_rollout_bucket(const char *flag, const char *key);

/* Read-only: the newest audit events (config "events_limit"), newest first, in "events".
 * Every event is kept except "progress" events, of which each migration keeps its newest 100. */
int pet_migrate_events(const char *config_json, char **report_json);

/* Validates a migrations directory without touching any database (config needs only
 * "migrations_dir"; "prefix", when given, is the prefix table names are checked with).
 * Returns PET_OK or PET_INVALID (PET_CONFIG for a bad configuration). */
int pet_migrate_lint(const char *config_json, char **report_json);

/* Cheap and read-only: the migration files the engine would read, without opening any of them
 * (config needs only "migrations_dir", as for lint). Meant for a host
 * that checks on every request whether a deployment shipped new migrations: it lists the
 * directory and stats each entry, nothing more, so names follow the engine's own rule and a
 * file's fingerprint is the one the engine itself uses to tell whether it changed.
 * Config "report_files": false leaves "files" null (everything else is the same, the
 * fingerprint included): a host asking on every request spares building and decoding an entry
 * per file, which with hundreds of files costs more than listing them.
 * Returns PET_OK; PET_INVALID when an entry cannot be a migration (badly named, not a regular
 * file, duplicate version; each named in "problems"); PET_CONFIG when the directory cannot be
 * read. Its report has, besides "result", "result_name", "message" and "problems":
 *   "files": [ {"file", "version", "name", "fingerprint"} … ]   in file-name order; version
 *                                    and name are null for a badly named file; fingerprint is
 *                                    text (device, inode, size, modification and status-change
 *                                    times in seconds and nanoseconds), "-" for a non-file;
 *                                    null with config "report_files": false
 *   "file_count": N                  entries listed (hidden files aside)
 *   "newest_version": "…" | null     the newest well-named version
 *   "fingerprint": "16 hex digits"   of the whole listing: changes when any file is added,
 *                                    removed, renamed, replaced or written, however close
 *                                    together (nanosecond times, not the folder's mtime)
 *   "newest_change": "SECONDS.NNNNNNNNN" | null   latest modification or status change of a
 *                                    listed file (status changes cannot be set back by a
 *                                    deployment tool, so a file still being written is recent)
 *   "listed_at": "SECONDS.NNNNNNNNN" the library's realtime clock when it listed */
int pet_migrate_files(const char *config_json, char **report_json);

/* Releases a string returned by this library. NULL is accepted and ignored. */
void pet_migrate_free(char *string);

/* The library's version ("MAJOR.MINOR.PATCH"): static, never freed. */
const char *pet_migrate_version(void);

#ifdef __cplusplus
}
#endif

#endif /* PET_MIGRATE_H */
