/*
 * pet_migrate_abi_test.c — checks the C ABI contract of libpet_migrate.so (include/pet_migrate.h)
 * from C, the way any host sees it: bad input of every kind returns PET_CONFIG with a report
 * that says what was wrong and never crashes; reports are JSON objects whose "result" is the
 * return value; pet_migrate_free(NULL) is harmless; the version is MAJOR.MINOR.PATCH; lint
 * tells good migration sets from bad ones; activate and status work on a real SQLite file
 * (checked with SQLite itself) and from several threads at once; resume and pause answer a
 * database without background work with PET_OK and refuse a bad "budget_ms"; passwords never
 * appear in any report. With PET_TEST_MARIADB_* set, activate and status also run against MariaDB.
 *
 *   pet_migrate_abi_test REPO_ROOT      (the migrations are read from REPO_ROOT/php/migrations)
 *
 * Prints one line per failed check and closes with "N passed, M failed"; exits 1 on failure.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <ftw.h>
#include <pthread.h>
#include <regex.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "pet_migrate.h"

/* ------------------------------------------------------------------------------------------ */
/* Checks                                                                                      */

static int passed, failed;
static pthread_mutex_t count_lock = PTHREAD_MUTEX_INITIALIZER;

static int check(int ok, const char *fmt, ...)
{
	pthread_mutex_lock(&count_lock);
	if (ok) {
		passed++;
	} else {
		va_list ap;
		failed++;
		fputs("FAIL: ", stdout);
		va_start(ap, fmt);
		vprintf(fmt, ap);
		va_end(ap);
		fputc('\n', stdout);
		fflush(stdout);
	}
	pthread_mutex_unlock(&count_lock);
	return ok;
}

/* ------------------------------------------------------------------------------------------ */
/* A minimal, strict JSON reader (RFC 8259), enough to inspect reports                         */

typedef enum { J_NULL, J_BOOL, J_NUM, J_STR, J_ARR, J_OBJ } jtype;

typedef struct jv {
	jtype type;
	int boolean;
	double num;
	char *str;        /* J_STR: decoded UTF-8 */
	size_t n;         /* J_ARR / J_OBJ: member count */
	char **keys;      /* J_OBJ */
	struct jv **items;
} jv;

typedef struct { const char *p; int depth; } jparser;

static void jfree(jv *v)
{
	size_t i;
	if (!v) return;
	for (i = 0; i < v->n; i++) {
		if (v->keys) free(v->keys[i]);
		jfree(v->items[i]);
	}
	free(v->keys);
	free(v->items);
	free(v->str);
	free(v);
}

static void jws(jparser *ps)
{
	while (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r') ps->p++;
}

static void put_utf8(char **out, unsigned cp)
{
	char *o = *out;
	if (cp < 0x80) { *o++ = (char) cp; }
	else if (cp < 0x800) { *o++ = (char) (0xC0 | cp >> 6); *o++ = (char) (0x80 | (cp & 0x3F)); }
	else if (cp < 0x10000) {
		*o++ = (char) (0xE0 | cp >> 12); *o++ = (char) (0x80 | ((cp >> 6) & 0x3F));
		*o++ = (char) (0x80 | (cp & 0x3F));
	} else {
		*o++ = (char) (0xF0 | cp >> 18); *o++ = (char) (0x80 | ((cp >> 12) & 0x3F));
		*o++ = (char) (0x80 | ((cp >> 6) & 0x3F)); *o++ = (char) (0x80 | (cp & 0x3F));
	}
	*out = o;
}

static int hex4(const char *s, unsigned *out)
{
	unsigned v = 0;
	int i;
	for (i = 0; i < 4; i++) {
		char c = s[i];
		v <<= 4;
		if (c >= '0' && c <= '9') v |= (unsigned) (c - '0');
		else if (c >= 'a' && c <= 'f') v |= (unsigned) (c - 'a' + 10);
		else if (c >= 'A' && c <= 'F') v |= (unsigned) (c - 'A' + 10);
		else return 0;
	}
	*out = v;
	return 1;
}

static char *jstring(jparser *ps)
{
	const char *s = ps->p + 1, *q;
	char *buf, *o;
	if (*ps->p != '"') return NULL;
	for (q = s; *q && *q != '"'; q++) if (*q == '\\' && q[1]) q++;
	if (*q != '"') return NULL;
	buf = o = malloc((size_t) (q - s) * 2 + 1);
	while (s < q) {
		unsigned char c = (unsigned char) *s;
		if (c < 0x20) { free(buf); return NULL; }
		if (c != '\\') { *o++ = *s++; continue; }
		s++;
		switch (*s) {
			case '"': case '\\': case '/': *o++ = *s++; break;
			case 'b': *o++ = '\b'; s++; break;
			case 'f': *o++ = '\f'; s++; break;
			case 'n': *o++ = '\n'; s++; break;
			case 'r': *o++ = '\r'; s++; break;
			case 't': *o++ = '\t'; s++; break;
			case 'u': {
				unsigned cp, lo;
				if (!hex4(s + 1, &cp)) { free(buf); return NULL; }
				s += 5;
				if (cp >= 0xD800 && cp < 0xDC00 && s[0] == '\\' && s[1] == 'u' && hex4(s + 2, &lo)
						&& lo >= 0xDC00 && lo < 0xE000) {
					cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
					s += 6;
				}
				put_utf8(&o, cp);
				break;
			}
			default: free(buf); return NULL;
		}
	}
	*o = '\0';
	ps->p = q + 1;
	return buf;
}

static jv *jvalue(jparser *ps);

static jv *jcontainer(jparser *ps, int object)
{
	jv *v = calloc(1, sizeof *v);
	size_t cap = 0;
	char close = object ? '}' : ']';
	v->type = object ? J_OBJ : J_ARR;
	if (++ps->depth > 200) goto fail;
	ps->p++;
	jws(ps);
	if (*ps->p == close) { ps->p++; ps->depth--; return v; }
	for (;;) {
		char *key = NULL;
		jv *item;
		jws(ps);
		if (object) {
			if (!(key = jstring(ps))) goto fail;
			jws(ps);
			if (*ps->p != ':') { free(key); goto fail; }
			ps->p++;
		}
		if (!(item = jvalue(ps))) { free(key); goto fail; }
		if (v->n == cap) {
			cap = cap ? cap * 2 : 8;
			v->items = realloc(v->items, cap * sizeof *v->items);
			if (object) v->keys = realloc(v->keys, cap * sizeof *v->keys);
		}
		if (object) v->keys[v->n] = key;
		v->items[v->n++] = item;
		jws(ps);
		if (*ps->p == ',') { ps->p++; continue; }
		if (*ps->p == close) { ps->p++; ps->depth--; return v; }
		goto fail;
	}
fail:
	jfree(v);
	return NULL;
}

static jv *jvalue(jparser *ps)
{
	jv *v;
	jws(ps);
	switch (*ps->p) {
		case '{': return jcontainer(ps, 1);
		case '[': return jcontainer(ps, 0);
		case '"': {
			char *s = jstring(ps);
			if (!s) return NULL;
			v = calloc(1, sizeof *v);
			v->type = J_STR;
			v->str = s;
			return v;
		}
		default: break;
	}
	v = calloc(1, sizeof *v);
	if (!strncmp(ps->p, "null", 4)) { v->type = J_NULL; ps->p += 4; return v; }
	if (!strncmp(ps->p, "true", 4)) { v->type = J_BOOL; v->boolean = 1; ps->p += 4; return v; }
	if (!strncmp(ps->p, "false", 5)) { v->type = J_BOOL; ps->p += 5; return v; }
	if (*ps->p == '-' || (*ps->p >= '0' && *ps->p <= '9')) {
		char *end;
		v->type = J_NUM;
		v->num = strtod(ps->p, &end);
		if (end == ps->p) { free(v); return NULL; }
		ps->p = end;
		return v;
	}
	free(v);
	return NULL;
}

static jv *jparse(const char *text)
{
	jparser ps = { text, 0 };
	jv *v;
	if (!text) return NULL;
	v = jvalue(&ps);
	if (!v) return NULL;
	jws(&ps);
	if (*ps.p) { jfree(v); return NULL; }
	return v;
}

static jv *jget(const jv *obj, const char *key)
{
	size_t i;
	if (!obj || obj->type != J_OBJ) return NULL;
	for (i = 0; i < obj->n; i++) if (!strcmp(obj->keys[i], key)) return obj->items[i];
	return NULL;
}

static const char *jstr(const jv *obj, const char *key)
{
	jv *v = jget(obj, key);
	return v && v->type == J_STR ? v->str : NULL;
}

/* ------------------------------------------------------------------------------------------ */
/* Calling the library                                                                         */

typedef int (*entry_point)(const char *, char **);

static const struct { const char *name; entry_point fn; } entries[] = {
	{ "pet_migrate_activate", pet_migrate_activate },
	{ "pet_migrate_status", pet_migrate_status },
	{ "pet_migrate_resume", pet_migrate_resume },
	{ "pet_migrate_pause", pet_migrate_pause },
	{ "pet_migrate_verify", pet_migrate_verify },
	{ "pet_migrate_events", pet_migrate_events },
	{ "pet_migrate_lint", pet_migrate_lint },
	{ "pet_migrate_files", pet_migrate_files },
};
#define ENTRY_COUNT (sizeof entries / sizeof entries[0])

static const char *result_names[] = {
	"PET_OK", "PET_PENDING", "PET_LOCKED", "PET_MAINTENANCE", "PET_INVALID", "PET_CONFIG"
};

typedef struct {
	int rc;
	char *text;  /* the raw report, owned by the library until call_free() */
	jv *report;  /* parsed, or NULL when the report is not JSON */
} call_t;

/* Calls fn, checks the report invariants every report must satisfy, and keeps it for
 * further checks. `what` names the call in failure messages. */
static call_t call(entry_point fn, const char *what, const char *config)
{
	call_t c;
	jv *result;
	const char *name, *message;

	c.text = NULL;
	c.rc = fn(config, &c.text);
	c.report = jparse(c.text);
	check(c.rc >= PET_OK && c.rc <= PET_CONFIG, "%s: return value %d is not a result code", what, c.rc);
	if (!check(c.text != NULL, "%s: no report", what)) return c;
	if (!check(c.report && c.report->type == J_OBJ, "%s: the report is not a JSON object: %.300s", what, c.text)) {
		return c;
	}
	result = jget(c.report, "result");
	check(result && result->type == J_NUM && (int) result->num == c.rc,
		"%s: report \"result\" differs from the return value %d: %.300s", what, c.rc, c.text);
	name = jstr(c.report, "result_name");
	check(name && c.rc >= 0 && c.rc <= 5 && !strcmp(name, result_names[c.rc]),
		"%s: report \"result_name\" is not %s: %.300s", what,
		c.rc >= 0 && c.rc <= 5 ? result_names[c.rc] : "?", c.text);
	message = jstr(c.report, "message");
	check(message && *message, "%s: report has no \"message\": %.300s", what, c.text);
	return c;
}

static void call_free(call_t *c)
{
	pet_migrate_free(c->text);
	jfree(c->report);
	c->text = NULL;
	c->report = NULL;
}

/* The call returns `expected`; the report is checked as in call(). */
static void expect(entry_point fn, const char *what, const char *config, int expected)
{
	call_t c = call(fn, what, config);
	check(c.rc == expected, "%s: expected %s, got %d: %.300s", what, result_names[expected], c.rc,
		c.text ? c.text : "(no report)");
	call_free(&c);
}

/* ------------------------------------------------------------------------------------------ */
/* Helpers                                                                                     */

static char *fmt(const char *f, ...)
{
	va_list ap;
	char *s = NULL;
	va_start(ap, f);
	if (vasprintf(&s, f, ap) < 0) { perror("vasprintf"); exit(2); }
	va_end(ap);
	return s;
}

static void write_file(const char *path, const char *content)
{
	FILE *f = fopen(path, "w");
	if (!f || fputs(content, f) < 0 || fclose(f) != 0) { perror(path); exit(2); }
}

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void) sb; (void) flag; (void) ftw;
	return remove(path);
}

static void rm_rf(const char *path) { nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS); }

static char *sqlite_config(const char *db, const char *migrations)
{
	return fmt("{\"database\":{\"driver\":\"sqlite\",\"path\":\"%s\"},\"prefix\":\"wp_\","
		"\"migrations_dir\":\"%s\",\"lock_timeout_seconds\":5}", db, migrations);
}

/* Runs one query returning one integer against the SQLite file (-1 on error). */
static long long sqlite_int(const char *db, const char *sql)
{
	sqlite3 *h = NULL;
	sqlite3_stmt *st = NULL;
	long long v = -1;
	if (sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK
			&& sqlite3_prepare_v2(h, sql, -1, &st, NULL) == SQLITE_OK
			&& sqlite3_step(st) == SQLITE_ROW) {
		v = sqlite3_column_int64(st, 0);
	}
	sqlite3_finalize(st);
	sqlite3_close(h);
	return v;
}

static size_t list_len(const jv *report, const char *key)
{
	jv *v = jget(report, key);
	return v && v->type == J_ARR ? v->n : (size_t) -1;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

static char *tmp_root;
static const char *repo;
static char *migrations; /* REPO/php/migrations */

/* ------------------------------------------------------------------------------------------ */
/* The checks                                                                                  */

static void test_version_and_free(void)
{
	const char *v = pet_migrate_version();
	regex_t re;
	check(v != NULL, "pet_migrate_version() returned NULL");
	if (v) {
		regcomp(&re, "^(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)$", REG_EXTENDED | REG_NOSUB);
		check(regexec(&re, v, 0, NULL, 0) == 0, "version \"%s\" is not MAJOR.MINOR.PATCH", v);
		regfree(&re);
		check(pet_migrate_version() == v, "pet_migrate_version() is not a static string");
	}
	pet_migrate_free(NULL);
	check(1, "pet_migrate_free(NULL)");
}

static void test_bad_input(void)
{
	static const char *const bad_configs[] = {
		"",                                  /* empty */
		"{\"database\":",                    /* truncated */
		"{database: {driver: 'sqlite'}}",    /* not JSON */
		"{\"prefix\":\"wp_\"} trailing",     /* garbage after the object */
		"\xff\xfe{}",                        /* not UTF-8 */
		"null", "42", "\"text\"", "[]", "[{\"database\":{}}]", /* not an object */
		"{}",                                /* every key missing */
		"{\"database\":\"sqlite\",\"migrations_dir\":\"/tmp\"}",           /* wrong type */
		"{\"database\":{\"driver\":\"sqlite\"},\"migrations_dir\":\"/tmp\"}", /* no path */
		"{\"database\":{\"driver\":\"sqlite\",\"path\":42},\"migrations_dir\":\"/tmp\"}",
		"{\"database\":{\"driver\":\"sqlite\",\"path\":null},\"migrations_dir\":\"/tmp\"}",
		"{\"database\":{\"driver\":\"postgres\",\"path\":\"/tmp/x\"},\"migrations_dir\":\"/tmp\"}",
		"{\"database\":{\"driver\":42},\"migrations_dir\":\"/tmp\"}",
		"{\"database\":{\"path\":\"/tmp/x.db\"},\"migrations_dir\":\"/tmp\"}",
		"{\"database\":{\"driver\":\"mariadb\",\"host\":\"127.0.0.1\",\"port\":\"3306\",\"user\":\"u\","
			"\"password\":\"p\",\"name\":\"n\"},\"migrations_dir\":\"/tmp\"}",
		"{\"database\":{\"driver\":\"mariadb\",\"host\":[],\"user\":\"u\",\"name\":\"n\"},\"migrations_dir\":\"/tmp\"}",
	};
	char *deep;
	size_t i, e;
	const size_t depth = 100000;

	for (e = 0; e < ENTRY_COUNT; e++) {
		char *what;
		/* NULL config, with and without a report pointer */
		what = fmt("%s(NULL)", entries[e].name);
		expect(entries[e].fn, what, NULL, PET_CONFIG);
		free(what);
		check(entries[e].fn(NULL, NULL) == PET_CONFIG, "%s(NULL, NULL) is not PET_CONFIG", entries[e].name);
		check(entries[e].fn("{", NULL) == PET_CONFIG, "%s(\"{\", NULL) is not PET_CONFIG", entries[e].name);

		for (i = 0; i < sizeof bad_configs / sizeof bad_configs[0]; i++) {
			/* lint and files need only migrations_dir, so database problems are no config error for them */
			if ((entries[e].fn == pet_migrate_lint || entries[e].fn == pet_migrate_files) && i >= 11) continue;
			what = fmt("%s(%s)", entries[e].name, bad_configs[i]);
			expect(entries[e].fn, what, bad_configs[i], PET_CONFIG);
			free(what);
		}
	}

	/* wrong-typed optional keys next to an otherwise good configuration */
	{
		char *db = fmt("%s/typed.db", tmp_root);
		static const char *const extras[] = {
			"\"prefix\":7", "\"prefix\":[\"wp_\"]", "\"lock_timeout_seconds\":\"five\"",
			"\"events_limit\":\"ten\"", "\"migrations_dir\":[]",
		};
		for (i = 0; i < sizeof extras / sizeof extras[0]; i++) {
			char *config = fmt("{\"database\":{\"driver\":\"sqlite\",\"path\":\"%s\"},"
				"\"migrations_dir\":\"%s\",%s}", db, migrations, extras[i]);
			char *what = fmt("pet_migrate_status with %s", extras[i]);
			int fn_is_events = strstr(extras[i], "events_limit") != NULL;
			expect(fn_is_events ? pet_migrate_events : pet_migrate_status, what, config, PET_CONFIG);
			free(what);
			free(config);
		}
		{
			char *config = fmt("{\"migrations_dir\":%s}", "42");
			expect(pet_migrate_lint, "pet_migrate_lint with a numeric migrations_dir", config, PET_CONFIG);
			free(config);
		}
		expect(pet_migrate_lint, "pet_migrate_lint({})", "{}", PET_CONFIG);
		/* a path SQLite cannot open: the database cannot be reached */
		{
			char *config = sqlite_config("/nonexistent-dir/for/pet/site.db", migrations);
			call_t c;
			expect(pet_migrate_activate, "pet_migrate_activate on an unreachable SQLite path", config, PET_CONFIG);
			/* status never writes, so it may report a missing file as an empty database */
			c = call(pet_migrate_status, "pet_migrate_status on an unreachable SQLite path", config);
			check(c.rc == PET_CONFIG || (c.rc == PET_PENDING && list_len(c.report, "pending") == 1),
				"status on an unreachable SQLite path: expected PET_CONFIG or PET_PENDING, got %d: %.300s", c.rc, c.text);
			call_free(&c);
			check(access("/nonexistent-dir", F_OK) != 0, "status or activate created /nonexistent-dir");
			free(config);
		}
		free(db);
	}

	/* pathological nesting must not overflow the parser's stack */
	deep = malloc(depth * 2 + 1);
	memset(deep, '[', depth);
	memset(deep + depth, ']', depth);
	deep[depth * 2] = '\0';
	expect(pet_migrate_status, "pet_migrate_status(100000 nested arrays)", deep, PET_CONFIG);
	free(deep);
}

static void make_dir(const char *path)
{
	if (mkdir(path, 0755) != 0 && errno != EEXIST) { perror(path); exit(2); }
}

/* A migrations directory holding a copy of the good first migration plus one extra file
 * (whose content is another copy of it when extra_content is NULL). */
static char *migration_set(const char *name, const char *extra_file, const char *extra_content)
{
	char *dir = fmt("%s/%s", tmp_root, name);
	char *src = fmt("%s/2026_02_10_0001_create_core_tables.json", migrations);
	char *dst = fmt("%s/2026_02_10_0001_create_core_tables.json", dir);
	FILE *f = fopen(src, "r");
	char buf[65536];
	size_t n;
	make_dir(dir);
	if (!f) { perror(src); exit(2); }
	n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = '\0';
	fclose(f);
	write_file(dst, buf);
	if (extra_file) {
		char *p = fmt("%s/%s", dir, extra_file);
		write_file(p, extra_content ? extra_content : buf);
		free(p);
	}
	free(src);
	free(dst);
	return dir;
}

static void lint_expect_invalid(const char *label, const char *file, const char *content, const char *kind)
{
	const char *got;
	char *dir = migration_set(label, file, content);
	char *config = fmt("{\"migrations_dir\":\"%s\"}", dir);
	char *what = fmt("pet_migrate_lint(%s)", label);
	call_t c = call(pet_migrate_lint, what, config);
	check(c.rc == PET_INVALID, "%s: expected PET_INVALID, got %d: %.300s", what, c.rc, c.text);
	check(jget(c.report, "error") && jget(c.report, "error")->type == J_OBJ,
		"%s: no \"error\" object: %.300s", what, c.text);
	got = jstr(jget(c.report, "error"), "kind");
	check(got && (!strcmp(got, kind) || (!strcmp(kind, "destructive") && !strcmp(got, "invalid_step")
			&& strstr(jstr(jget(c.report, "error"), "reason"), "destructive"))),
		"%s: error kind is not %s: %.300s", what, kind, c.text);
	check(c.text && strstr(c.text, file), "%s: the report does not name %s: %.300s", what, file, c.text);
	call_free(&c);
	free(what);
	free(config);
	free(dir);
}

static void test_lint(void)
{
	char *config = fmt("{\"migrations_dir\":\"%s\"}", migrations);
	call_t c = call(pet_migrate_lint, "pet_migrate_lint(php/migrations)", config);
	check(c.rc == PET_OK, "lint of php/migrations: expected PET_OK, got %d: %.300s", c.rc, c.text);
	check(list_len(c.report, "pending") == 1 || jget(c.report, "pending") == NULL,
		"lint of php/migrations: unexpected \"pending\": %.300s", c.text);
	call_free(&c);
	free(config);

	{
		char *dir = migration_set("lint_good_copy", NULL, NULL);
		char *cfg = fmt("{\"migrations_dir\":\"%s\"}", dir);
		expect(pet_migrate_lint, "pet_migrate_lint(copy of php/migrations)", cfg, PET_OK);
		free(cfg);
		free(dir);
	}
	lint_expect_invalid("lint_bad_name", "2026_02_10_0002_Bad-Name.json", NULL, "file_name");
	lint_expect_invalid("lint_stray_file", "notes.txt", "not a migration", "file_name");
	lint_expect_invalid("lint_duplicate_version", "2026_02_10_0001_again.json", NULL, "duplicate_version");
	lint_expect_invalid("lint_malformed_json", "2026_02_11_0001_broken.json", "{\"steps\": [", "syntax");
	lint_expect_invalid("lint_destructive", "2026_02_11_0001_drop_tasks.json",
		"{\"steps\":[{\"op\":\"drop_table\",\"table\":\"pet_tasks\"}]}", "destructive");

	{
		char *cfg = fmt("{\"migrations_dir\":\"%s/does-not-exist\"}", tmp_root);
		call_t m = call(pet_migrate_lint, "pet_migrate_lint(missing dir)", cfg);
		check(m.rc == PET_INVALID || m.rc == PET_CONFIG,
			"lint of a missing directory: expected PET_INVALID or PET_CONFIG, got %d: %.300s", m.rc, m.text);
		call_free(&m);
		free(cfg);
	}
}

/* pet_migrate_files: the engine's listing, with no file opened and no database touched. */
static void test_files(void)
{
	char *config = fmt("{\"migrations_dir\":\"%s\"}", migrations);
	call_t c = call(pet_migrate_files, "pet_migrate_files(php/migrations)", config);
	const char *fingerprint = jstr(c.report, "fingerprint");
	const char *newest_change = jstr(c.report, "newest_change");
	check(c.rc == PET_OK, "files of php/migrations: expected PET_OK, got %d: %.300s", c.rc, c.text);
	check(list_len(c.report, "files") == 1, "files of php/migrations: expected one file: %.300s", c.text);
	check(jstr(c.report, "newest_version") && !strcmp(jstr(c.report, "newest_version"), "2026_02_10_0001"),
		"files: newest_version: %.300s", c.text);
	check(fingerprint && strlen(fingerprint) == 16, "files: fingerprint is not 16 hex digits: %.300s", c.text);
	check(newest_change && strchr(newest_change, '.') && strlen(strchr(newest_change, '.')) == 10,
		"files: newest_change has no nanoseconds: %.300s", c.text);
	call_free(&c);
	free(config);

	{
		char *dir = migration_set("files_changes", "2026_02_11_0001_next.json", "{\"steps\": [");
		char *cfg = fmt("{\"migrations_dir\":\"%s\"}", dir);
		char *path = fmt("%s/2026_02_11_0001_next.json", dir);
		call_t a = call(pet_migrate_files, "files before a write", cfg), b;
		check(a.rc == PET_OK, "files with an unparsable file: the listing never reads it, expected PET_OK, got %d", a.rc);
		write_file(path, "{\"steps\": []}");
		b = call(pet_migrate_files, "files after a write", cfg);
		check(jstr(a.report, "fingerprint") && jstr(b.report, "fingerprint") &&
			strcmp(jstr(a.report, "fingerprint"), jstr(b.report, "fingerprint")) != 0,
			"files: rewriting a file within the same second did not change the fingerprint");
		call_free(&a);
		call_free(&b);
		free(path);
		free(cfg);
		free(dir);
	}
	{
		char *dir = migration_set("files_bad_name", "2026_02_10_0002_Bad-Name.json", "{}");
		char *cfg = fmt("{\"migrations_dir\":\"%s\"}", dir);
		call_t m = call(pet_migrate_files, "files with a badly named file", cfg);
		check(m.rc == PET_INVALID, "files with a badly named file: expected PET_INVALID, got %d: %.300s", m.rc, m.text);
		check(m.text && strstr(m.text, "2026_02_10_0002_Bad-Name.json"), "files: the bad file is not named: %.300s", m.text);
		call_free(&m);
		free(cfg);
		free(dir);
	}
	{
		char *cfg = fmt("{\"migrations_dir\":\"%s/does-not-exist\"}", tmp_root);
		expect(pet_migrate_files, "pet_migrate_files(missing dir)", cfg, PET_CONFIG);
		free(cfg);
	}
}

static void test_sqlite(void)
{
	char *db = fmt("%s/site.db", tmp_root);
	char *config = sqlite_config(db, migrations);
	const char *schema;
	call_t c;
	double t0;

	/* status on an empty database (an empty file is one): read-only, reports the pending migration */
	write_file(db, "");
	c = call(pet_migrate_status, "status before activate", config);
	check(c.rc == PET_OK || c.rc == PET_PENDING, "status before activate: expected PET_OK or PET_PENDING, got %d: %.300s",
		c.rc, c.text);
	check(list_len(c.report, "pending") == 1, "status before activate: expected 1 pending: %.300s", c.text);
	check(jget(c.report, "schema_version") && jget(c.report, "schema_version")->type == J_NULL,
		"status before activate: schema_version is not null: %.300s", c.text);
	call_free(&c);
	check(sqlite_int(db, "SELECT count(*) FROM sqlite_master WHERE name LIKE 'wp_pet_%'") <= 0,
		"status before activate created tables");

	c = call(pet_migrate_activate, "first activate", config);
	check(c.rc == PET_OK, "first activate: expected PET_OK, got %d: %.500s", c.rc, c.text);
	check(list_len(c.report, "newly_applied") == 1, "first activate: expected 1 newly applied: %.300s", c.text);
	check(list_len(c.report, "pending") == 0, "first activate: pending is not empty: %.300s", c.text);
	schema = jstr(c.report, "schema_version");
	check(schema && !strcmp(schema, "2026_02_10_0001"), "first activate: schema_version is not 2026_02_10_0001: %.300s", c.text);
	call_free(&c);

	check(sqlite_int(db, "SELECT count(*) FROM sqlite_master WHERE type='table' AND name IN ('wp_pet_projects','wp_pet_tasks')") == 2,
		"activate did not create wp_pet_projects and wp_pet_tasks");
	check(sqlite_int(db, "SELECT count(*) FROM wp_pet_migrations WHERE version='2026_02_10_0001' "
		"AND name='create_core_tables' AND length(checksum) > 0 AND applied_at IS NOT NULL") == 1,
		"wp_pet_migrations has no row for 2026_02_10_0001");
	check(sqlite_int(db, "SELECT count(*) FROM pragma_table_info('wp_pet_migrations')") == 4,
		"wp_pet_migrations does not have exactly four columns");
	c = call(pet_migrate_activate, "second activate", config);
	check(c.rc == PET_OK, "second activate: expected PET_OK, got %d: %.300s", c.rc, c.text);
	check(list_len(c.report, "newly_applied") == 0, "second activate applied something again: %.300s", c.text);
	call_free(&c);
	check(sqlite_int(db, "SELECT count(*) FROM wp_pet_migrations") == 1, "second activate changed pet_migrations");

	t0 = now();
	c = call(pet_migrate_status, "status after activate", config);
	check(now() - t0 < 2.0, "status took %.2f s", now() - t0);
	check(c.rc == PET_OK, "status after activate: expected PET_OK, got %d: %.300s", c.rc, c.text);
	schema = jstr(c.report, "schema_version");
	check(schema && !strcmp(schema, "2026_02_10_0001"), "status: schema_version: %.300s", c.text);
	schema = jstr(c.report, "target_version");
	check(schema && !strcmp(schema, "2026_02_10_0001"), "status: target_version: %.300s", c.text);
	check(list_len(c.report, "applied") == 1, "status: expected 1 applied: %.300s", c.text);
	check(list_len(c.report, "pending") == 0, "status: expected 0 pending: %.300s", c.text);
	schema = jstr(c.report, "mode");
	check(schema && !strcmp(schema, "ready"), "status: mode is not ready: %.300s", c.text);
	call_free(&c);

	{
		char *ev = fmt("{\"database\":{\"driver\":\"sqlite\",\"path\":\"%s\"},\"prefix\":\"wp_\","
			"\"migrations_dir\":\"%s\",\"events_limit\":1}", db, migrations);
		c = call(pet_migrate_events, "events", ev);
		check(c.rc == PET_OK, "events: expected PET_OK, got %d: %.300s", c.rc, c.text);
		check(list_len(c.report, "events") == 1, "events with events_limit 1: expected exactly 1 event: %.300s", c.text);
		call_free(&c);
		free(ev);
		c = call(pet_migrate_events, "events (default limit)", config);
		check(list_len(c.report, "events") >= 2 && list_len(c.report, "events") != (size_t) -1,
			"events: expected at least started and completed: %.300s", c.text);
		call_free(&c);
	}

	/* another prefix is another site in the same file */
	{
		char *other = fmt("{\"database\":{\"driver\":\"sqlite\",\"path\":\"%s\"},\"prefix\":\"wp_2_\","
			"\"migrations_dir\":\"%s\"}", db, migrations);
		c = call(pet_migrate_status, "status of another prefix", other);
		check(list_len(c.report, "pending") == 1, "status of prefix wp_2_: expected 1 pending: %.300s", c.text);
		call_free(&c);
		free(other);
	}
	free(config);
	free(db);
}

/* pet_migrate_resume and pet_migrate_pause where there is no background work: the plugin's
 * migrations have no data step, so resume applies them (as activate does) and has nothing
 * more to run, and pause has nothing to hold. */
static void test_background_work(void)
{
	char *db = fmt("%s/background.db", tmp_root);
	char *config = sqlite_config(db, migrations);
	const char *mode;
	jv *gates;
	call_t c;

	c = call(pet_migrate_resume, "resume on a fresh database", config);
	check(c.rc == PET_OK, "resume on a fresh database: expected PET_OK, got %d: %.500s", c.rc, c.text);
	check(list_len(c.report, "work") == 0, "resume on a fresh database: \"work\" is not an empty list: %.300s", c.text);
	gates = jget(c.report, "gates");
	check(gates && gates->type == J_NULL, "resume on a fresh database: \"gates\" is not null: %.300s", c.text);
	mode = jstr(c.report, "mode");
	check(mode && !strcmp(mode, "ready"), "resume on a fresh database: mode is not ready: %.300s", c.text);
	call_free(&c);
	check(sqlite_int(db, "SELECT count(*) FROM wp_pet_migrations WHERE version='2026_02_10_0001'") == 1,
		"resume on a fresh database did not apply the pending migration");

	c = call(pet_migrate_resume, "resume again", config);
	check(c.rc == PET_OK, "resume again: expected PET_OK, got %d: %.300s", c.rc, c.text);
	call_free(&c);

	c = call(pet_migrate_pause, "pause without work", config);
	check(c.rc == PET_OK, "pause without work: expected PET_OK, got %d: %.300s", c.rc, c.text);
	check(jstr(c.report, "message") && !strcmp(jstr(c.report, "message"), "There is no background work to pause."),
		"pause without work: unexpected message: %.300s", c.text);
	check(list_len(c.report, "work") == 0, "pause without work: \"work\" is not an empty list: %.300s", c.text);
	call_free(&c);

	/* report_json NULL: the same answer, and nothing to free */
	check(pet_migrate_resume(config, NULL) == PET_OK, "pet_migrate_resume(config, NULL) is not PET_OK");
	check(pet_migrate_pause(config, NULL) == PET_OK, "pet_migrate_pause(config, NULL) is not PET_OK");

	/* the new settings follow the rules of the others: out of range or of the wrong type is
	 * PET_CONFIG, and the message names the setting */
	{
		static const struct { const char *extra, *name; } bad[] = {
			{ "\"budget_ms\":0", "budget_ms" },
			{ "\"budget_ms\":86400001", "budget_ms" },
			{ "\"budget_ms\":100000000000000000000", "budget_ms" },
			{ "\"budget_ms\":-1", "budget_ms" },
			{ "\"budget_ms\":1.5", "budget_ms" },
			{ "\"budget_ms\":\"x\"", "budget_ms" },
			{ "\"chunk_target_ms\":9", "chunk_target_ms" },
			{ "\"max_threads_running\":0", "max_threads_running" },
			{ "\"max_replica_lag_ms\":99", "max_replica_lag_ms" },
			{ "\"resume_paused\":\"yes\"", "resume_paused" },
			{ "\"replicas\":[{\"host\":\"127.0.0.1\",\"user\":\"u\",\"name\":\"n\"}]", "replicas" },
		};
		size_t i;
		for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
			char *cfg = fmt("{\"database\":{\"driver\":\"sqlite\",\"path\":\"%s\"},\"migrations_dir\":\"%s\",%s}",
				db, migrations, bad[i].extra);
			char *what = fmt("pet_migrate_resume with %s", bad[i].extra);
			c = call(pet_migrate_resume, what, cfg);
			check(c.rc == PET_CONFIG, "%s: expected PET_CONFIG, got %d: %.300s", what, c.rc, c.text);
			check(jstr(c.report, "message") && strstr(jstr(c.report, "message"), bad[i].name),
				"%s: the message does not name %s: %.300s", what, bad[i].name, c.text);
			call_free(&c);
			free(what);
			free(cfg);
		}
		/* and in range, accepted */
		{
			char *cfg = fmt("{\"database\":{\"driver\":\"sqlite\",\"path\":\"%s\"},\"migrations_dir\":\"%s\","
				"\"budget_ms\":1,\"chunk_target_ms\":10000,\"max_threads_running\":100000,"
				"\"max_replica_lag_ms\":3600000,\"resume_paused\":true}", db, migrations);
			expect(pet_migrate_resume, "pet_migrate_resume with every new setting at a bound", cfg, PET_OK);
			free(cfg);
		}
	}
	free(config);
	free(db);
}

/* ------------------------------------------------------------------------------------------ */
/* Threads                                                                                     */

typedef struct {
	entry_point fn;
	const char *config;
	int iterations;
	int expect;          /* the usual result; the first other report is kept in sample */
	int counts[6];
	int bad;
	char sample[400];
} worker_t;

static void *worker(void *arg)
{
	worker_t *w = arg;
	int i;
	for (i = 0; i < w->iterations; i++) {
		char *text = NULL;
		int rc = w->fn(w->config, &text);
		jv *r = jparse(text);
		jv *result = jget(r, "result");
		if (rc < 0 || rc > 5 || !result || result->type != J_NUM || (int) result->num != rc) w->bad++;
		else w->counts[rc]++;
		if (rc != w->expect && !w->sample[0]) snprintf(w->sample, sizeof w->sample, "%s", text ? text : "(no report)");
		jfree(r);
		pet_migrate_free(text);
	}
	return NULL;
}

/* Runs fn(config) `iterations` times in each of `nthreads` threads; counts the result codes
 * and returns a report whose code was not `expect` (empty if there was none). */
static const char *run_threads(const char *label, entry_point fn, const char *config, int nthreads, int iterations,
	int expect, int *counts, int *bad)
{
	static char sample[400];
	pthread_t tid[16];
	worker_t w[16];
	int t, k;
	memset(counts, 0, 6 * sizeof *counts);
	*bad = 0;
	sample[0] = '\0';
	for (t = 0; t < nthreads; t++) {
		memset(&w[t], 0, sizeof w[t]);
		w[t].fn = fn;
		w[t].config = config;
		w[t].iterations = iterations;
		w[t].expect = expect;
		if (pthread_create(&tid[t], NULL, worker, &w[t]) != 0) { perror(label); exit(2); }
	}
	for (t = 0; t < nthreads; t++) {
		pthread_join(tid[t], NULL);
		for (k = 0; k < 6; k++) counts[k] += w[t].counts[k];
		*bad += w[t].bad;
		if (!sample[0]) memcpy(sample, w[t].sample, sizeof sample);
	}
	return sample;
}

static void test_threads(void)
{
	char *db = fmt("%s/site.db", tmp_root);
	char *fresh = fmt("%s/threads.db", tmp_root);
	char *config = sqlite_config(db, migrations);
	char *fresh_config = sqlite_config(fresh, migrations);
	char *lint_config = fmt("{\"migrations_dir\":\"%s\"}", migrations);
	int counts[6], bad;
	const int threads = 8, iterations = 25;

	const char *sample;

	sample = run_threads("status", pet_migrate_status, config, threads, iterations, PET_OK, counts, &bad);
	check(bad == 0 && counts[PET_OK] == threads * iterations,
		"concurrent status: %d of %d calls returned PET_OK (%d malformed), e.g. %.300s",
		counts[PET_OK], threads * iterations, bad, sample);

	sample = run_threads("lint", pet_migrate_lint, lint_config, threads, iterations, PET_OK, counts, &bad);
	check(bad == 0 && counts[PET_OK] == threads * iterations,
		"concurrent lint: %d of %d calls returned PET_OK (%d malformed), e.g. %.300s",
		counts[PET_OK], threads * iterations, bad, sample);

	sample = run_threads("bad config", pet_migrate_status, "{\"database\":", threads, iterations, PET_CONFIG, counts, &bad);
	check(bad == 0 && counts[PET_CONFIG] == threads * iterations,
		"concurrent malformed config: %d of %d calls returned PET_CONFIG, e.g. %.300s",
		counts[PET_CONFIG], threads * iterations, sample);

	/* concurrent activations of one fresh database: one applies, the others wait for the
	 * lock and find nothing to do, or give up with PET_LOCKED; the migration is applied once */
	sample = run_threads("activate", pet_migrate_activate, fresh_config, threads, 1, PET_OK, counts, &bad);
	check(bad == 0 && counts[PET_OK] + counts[PET_LOCKED] == threads && counts[PET_OK] >= 1,
		"concurrent activate: %d PET_OK, %d PET_LOCKED, %d other, %d malformed of %d, e.g. %.300s",
		counts[PET_OK], counts[PET_LOCKED], threads - counts[PET_OK] - counts[PET_LOCKED] - bad, bad, threads, sample);
	check(sqlite_int(fresh, "SELECT count(*) FROM wp_pet_migrations") == 1,
		"concurrent activate: pet_migrations does not hold exactly one row");

	free(lint_config);
	free(fresh_config);
	free(config);
	free(fresh);
	free(db);
}

/* ------------------------------------------------------------------------------------------ */
/* Passwords                                                                                   */

static void test_password_never_reported(void)
{
	static const char secret[] = "pw-7f3a9c-never-shown";
	char *config = fmt("{\"database\":{\"driver\":\"mariadb\",\"host\":\"127.0.0.1\",\"port\":1,\"user\":\"pet\","
		"\"password\":\"%s\",\"name\":\"pet\"},\"migrations_dir\":\"%s\"}", secret, migrations);
	size_t e;
	for (e = 0; e < ENTRY_COUNT; e++) {
		char *what = fmt("%s on a closed MariaDB port", entries[e].name);
		call_t c = call(entries[e].fn, what, config);
		if (entries[e].fn != pet_migrate_lint && entries[e].fn != pet_migrate_files) {
			check(c.rc == PET_CONFIG, "%s: expected PET_CONFIG, got %d: %.300s", what, c.rc, c.text);
		}
		check(c.text && !strstr(c.text, secret), "%s: the report contains the password: %.300s", what, c.text);
		call_free(&c);
		free(what);
	}
	free(config);
	/* a wrong type next to the password: the message must not quote the config */
	config = fmt("{\"database\":{\"driver\":\"mariadb\",\"host\":\"127.0.0.1\",\"port\":\"x\",\"user\":\"pet\","
		"\"password\":\"%s\",\"name\":\"pet\"},\"migrations_dir\":\"%s\"}", secret, migrations);
	{
		call_t c = call(pet_migrate_status, "status with a bad port next to a password", config);
		check(c.rc == PET_CONFIG, "bad port: expected PET_CONFIG, got %d", c.rc);
		check(c.text && !strstr(c.text, secret), "bad port: the report contains the password: %.300s", c.text);
		call_free(&c);
	}
	free(config);
	config = fmt("{\"database\":{\"driver\":\"mariadb\",\"host\":\"127.0.0.1\",\"port\":1,\"user\":\"pet\","
		"\"password\":\"%s\",\"name\":\"pet\"", secret); /* truncated JSON */
	{
		call_t c = call(pet_migrate_status, "truncated config with a password", config);
		check(c.rc == PET_CONFIG, "truncated config: expected PET_CONFIG, got %d", c.rc);
		check(c.text && !strstr(c.text, secret), "truncated config: the report contains the password: %.300s", c.text);
		call_free(&c);
	}
	free(config);
}

/* ------------------------------------------------------------------------------------------ */
/* MariaDB (only with PET_TEST_MARIADB_* set)                                                  */

static void test_mariadb(void)
{
	const char *host = getenv("PET_TEST_MARIADB_HOST"), *port = getenv("PET_TEST_MARIADB_PORT");
	const char *user = getenv("PET_TEST_MARIADB_USER"), *password = getenv("PET_TEST_MARIADB_PASSWORD");
	const char *name = getenv("PET_TEST_MARIADB_DATABASE");
	char prefix[64], *config, *wrong;
	call_t c;
	if (!host || !port || !user || !password || !name) {
		printf("skipped: MariaDB checks (PET_TEST_MARIADB_* not set)\n");
		return;
	}
	/* a prefix of its own, so runs never see each other's tables */
	snprintf(prefix, sizeof prefix, "cabi%ld_", (long) getpid());
	config = fmt("{\"database\":{\"driver\":\"mariadb\",\"host\":\"%s\",\"port\":%s,\"user\":\"%s\","
		"\"password\":\"%s\",\"name\":\"%s\"},\"prefix\":\"%s\",\"migrations_dir\":\"%s\"}",
		host, port, user, password, name, prefix, migrations);

	c = call(pet_migrate_activate, "MariaDB first activate", config);
	check(c.rc == PET_OK, "MariaDB first activate: expected PET_OK, got %d: %.500s", c.rc, c.text);
	check(list_len(c.report, "newly_applied") == 1, "MariaDB first activate: expected 1 newly applied: %.300s", c.text);
	check(c.text && !strstr(c.text, password), "MariaDB activate report contains the password");
	call_free(&c);
	c = call(pet_migrate_activate, "MariaDB second activate", config);
	check(c.rc == PET_OK, "MariaDB second activate: expected PET_OK, got %d: %.300s", c.rc, c.text);
	check(list_len(c.report, "newly_applied") == 0, "MariaDB second activate applied something again: %.300s", c.text);
	call_free(&c);
	c = call(pet_migrate_status, "MariaDB status", config);
	check(c.rc == PET_OK, "MariaDB status: expected PET_OK, got %d: %.300s", c.rc, c.text);
	check(list_len(c.report, "applied") == 1, "MariaDB status: expected 1 applied: %.300s", c.text);
	call_free(&c);

	wrong = fmt("{\"database\":{\"driver\":\"mariadb\",\"host\":\"%s\",\"port\":%s,\"user\":\"%s\","
		"\"password\":\"%s-wrong\",\"name\":\"%s\"},\"prefix\":\"%s\",\"migrations_dir\":\"%s\"}",
		host, port, user, password, name, prefix, migrations);
	c = call(pet_migrate_status, "MariaDB wrong password", wrong);
	check(c.rc == PET_CONFIG, "MariaDB wrong password: expected PET_CONFIG, got %d: %.300s", c.rc, c.text);
	check(c.text && !strstr(c.text, password), "MariaDB wrong-password report contains the password: %.300s", c.text);
	call_free(&c);
	free(wrong);
	free(config);
}

/* ------------------------------------------------------------------------------------------ */

/* pet_migrate_cutover takes a second JSON argument; bind a request to call it like the others. */
static const char *cutover_request;
static int cutover_with_request(const char *config, char **report)
{
	return pet_migrate_cutover(config, cutover_request, report);
}

/* pet_migrate_verify, pet_migrate_cutover and pet_migrate_rollout_bucket at the boundary: the
 * plugin's migrations declare no cut-over, so verify has nothing to do and every switch names
 * an unknown flag; bad requests are PET_CONFIG reports, never a crash; the bucket is the
 * documented hash. (Cut-overs themselves: CutoverTests and bridge/tests/019_cutover.phpt.) */
static void test_cutover_boundary(void)
{
	char *db = fmt("%s/cutover.db", tmp_root);
	char *config = sqlite_config(db, migrations);
	jv *flags, *cutovers;
	call_t c;
	size_t i;
	static const char *bad_requests[] = {
		"", "{", "[]", "null", "{}", "{\"flag\":\"x\"}", "{\"flag\":\"x\",\"action\":\"up\"}",
		"{\"flag\":\"x\",\"action\":\"on\",\"percent\":101}", "{\"flag\":\"x\",\"action\":\"on\",\"percent\":0}",
		"{\"flag\":\"x\",\"action\":\"off\",\"percent\":5}", "{\"flag\":\"X Y\",\"action\":\"on\"}",
		"{\"flag\":\"x\",\"action\":\"on\",\"actor\":\"a\\u0000b\"}", "{\"flag\":\"x\",\"action\":\"on\",\"more\":1}",
		"{\"flag\":\"no_such_flag\",\"action\":\"on\"}",
	};

	c = call(pet_migrate_verify, "verify without cut-overs", config);
	check(c.rc == PET_OK, "verify without cut-overs: expected PET_OK, got %d: %.300s", c.rc, c.text);
	cutovers = jget(c.report, "cutovers");
	flags = jget(c.report, "flags");
	check(cutovers && cutovers->type == J_ARR && list_len(c.report, "cutovers") == 0, "verify: \"cutovers\" is not an empty list: %.300s", c.text);
	check(flags && flags->type == J_OBJ, "verify: \"flags\" is not an object: %.300s", c.text);
	call_free(&c);

	for (i = 0; i < sizeof bad_requests / sizeof bad_requests[0]; i++) {
		char *what = fmt("pet_migrate_cutover(config, %s)", bad_requests[i]);
		cutover_request = bad_requests[i];
		expect(cutover_with_request, what, config, PET_CONFIG);
		free(what);
	}
	cutover_request = NULL;
	expect(cutover_with_request, "pet_migrate_cutover(config, NULL)", config, PET_CONFIG);
	check(pet_migrate_cutover(NULL, NULL, NULL) == PET_CONFIG, "pet_migrate_cutover(NULL, NULL, NULL) is not PET_CONFIG");
	check(pet_migrate_cutover(config, "{\"flag\":\"x\",\"action\":\"on\"}", NULL) == PET_CONFIG,
		"pet_migrate_cutover(config, unknown flag, NULL) is not PET_CONFIG");

	check(pet_migrate_rollout_bucket(NULL, "k") == -1, "pet_migrate_rollout_bucket(NULL, key) is not -1");
	check(pet_migrate_rollout_bucket("f", NULL) == -1, "pet_migrate_rollout_bucket(flag, NULL) is not -1");
	check(pet_migrate_rollout_bucket("f", "\xff\xfe") == -1, "pet_migrate_rollout_bucket with invalid UTF-8 is not -1");
	/* first 12 hex digits of sha256("orders_v2\0user-1") = 9fb6a98f8988, mod 10000 = 616 */
	check(pet_migrate_rollout_bucket("orders_v2", "user-1") == 616, "pet_migrate_rollout_bucket(orders_v2, user-1) is %d, not 616",
		pet_migrate_rollout_bucket("orders_v2", "user-1"));
	{
		int on = 0, wrong = 0, k;
		char key[32];
		for (k = 1; k <= 10000; k++) {
			int bucket;
			snprintf(key, sizeof key, "user-%d", k);
			bucket = pet_migrate_rollout_bucket("orders_v2", key);
			wrong += !(bucket >= 0 && bucket < 10000 && bucket == pet_migrate_rollout_bucket("orders_v2", key));
			on += bucket < 500;
		}
		check(wrong == 0, "%d of 10000 buckets out of range or unstable", wrong);
		check(on >= 400 && on <= 600, "at 5 %% the flag is on for %d of 10000 keys", on);
	}
	free(config);
	free(db);
}

/* config "report_applied": false leaves the applied list out (null) and keeps its count;
 * the default lists it; a wrong type is PET_CONFIG. */
static void test_report_applied(void)
{
	char *db = fmt("%s/applied.db", tmp_root);
	char *config = sqlite_config(db, migrations);
	char *quiet = fmt("{\"database\":{\"driver\":\"sqlite\",\"path\":\"%s\"},\"prefix\":\"wp_\",\"migrations_dir\":\"%s\",\"report_applied\":false}", db, migrations);
	char *bad = fmt("{\"database\":{\"driver\":\"sqlite\",\"path\":\"%s\"},\"migrations_dir\":\"%s\",\"report_applied\":\"no\"}", db, migrations);
	jv *applied, *count;
	size_t listed;
	call_t c;

	c = call(pet_migrate_activate, "activate, applied listed", config);
	listed = list_len(c.report, "applied");
	count = jget(c.report, "applied_count");
	check(c.rc == PET_OK && listed > 0, "activate: expected PET_OK with applied migrations: %.300s", c.text);
	check(count && count->type == J_NUM && (size_t) count->num == listed, "activate: applied_count does not match the list: %.300s", c.text);
	call_free(&c);

	c = call(pet_migrate_activate, "activate again, report_applied false", quiet);
	applied = jget(c.report, "applied");
	count = jget(c.report, "applied_count");
	check(c.rc == PET_OK, "report_applied false: expected PET_OK, got %d: %.300s", c.rc, c.text);
	check(applied && applied->type == J_NULL, "report_applied false: \"applied\" is not null: %.300s", c.text);
	check(count && count->type == J_NUM && (size_t) count->num == listed, "report_applied false: applied_count is not %zu: %.300s", listed, c.text);
	check(jstr(c.report, "schema_version") != NULL, "report_applied false: no schema_version: %.300s", c.text);
	call_free(&c);

	c = call(pet_migrate_status, "status, report_applied false", quiet);
	applied = jget(c.report, "applied");
	check(c.rc == PET_OK && applied && applied->type == J_NULL, "status with report_applied false: %.300s", c.text);
	call_free(&c);

	expect(pet_migrate_status, "report_applied as a string", bad, PET_CONFIG);
	free(config);
	free(quiet);
	free(bad);
	free(db);
}

int main(int argc, char **argv)
{
	char template[] = "/tmp/pet-cabi-XXXXXX";
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc != 2) {
		fprintf(stderr, "usage: %s REPO_ROOT\n", argv[0]);
		return 2;
	}
	repo = argv[1];
	migrations = fmt("%s/php/migrations", repo);
	if (!mkdtemp(template)) { perror("mkdtemp"); return 2; }
	tmp_root = template;

	printf("engine %s, migrations %s, scratch %s\n", pet_migrate_version(), migrations, tmp_root);
	test_version_and_free();
	test_bad_input();
	test_lint();
	test_files();
	test_sqlite();
	test_background_work();
	test_cutover_boundary();
	test_report_applied();
	test_threads();
	test_password_never_reported();
	test_mariadb();

	rm_rf(tmp_root);
	free(migrations);
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
