/* pet_migrate extension for PHP.
 *
 * A translation layer and nothing else: each function encodes its array argument as JSON,
 * hands it to the engine's C ABI (include/pet_migrate.h), decodes the JSON report into an
 * associative array, releases the report with pet_migrate_free() and returns the array.
 * Engine failures arrive as the "result" member of that array; only a bad argument (or an
 * engine that breaks its own contract) raises an exception. */

#ifndef _GNU_SOURCE
# define _GNU_SOURCE /* dladdr */
#endif

#ifdef HAVE_CONFIG_H
# include "config.h"
#endif

#include <dlfcn.h>
#include <string.h>

#include "php.h"
#include "ext/standard/info.h"
#include "ext/json/php_json.h"
#include "ext/spl/spl_exceptions.h"
#include "zend_exceptions.h"
#include "zend_smart_str.h"

#include "pet_migrate.h"
#include "php_pet_migrate.h"
#include "pet_migrate_arginfo.h"

#define PET_MIGRATE_JSON_ENCODE_OPTIONS \
	(PHP_JSON_UNESCAPED_SLASHES | PHP_JSON_UNESCAPED_UNICODE | PHP_JSON_PRESERVE_ZERO_FRACTION)

typedef int (*pet_migrate_entry_point)(const char *config_json, char **report_json);

/* The reason json_encode() would give, for the errors encoding can produce. */
static const char *pet_migrate_json_error(php_json_error_code code)
{
	switch (code) {
		case PHP_JSON_ERROR_DEPTH: return "Maximum stack depth exceeded";
		case PHP_JSON_ERROR_UTF8: return "Malformed UTF-8 characters, possibly incorrectly encoded";
		case PHP_JSON_ERROR_RECURSION: return "Recursion detected";
		case PHP_JSON_ERROR_INF_OR_NAN: return "Inf and NaN cannot be JSON encoded";
		case PHP_JSON_ERROR_UNSUPPORTED_TYPE: return "Type is not supported";
		case PHP_JSON_ERROR_INVALID_PROPERTY_NAME: return "The decoded property name is invalid";
		case PHP_JSON_ERROR_UTF16: return "Single unpaired UTF-16 surrogate in unicode escape";
		case PHP_JSON_ERROR_NON_BACKED_ENUM: return "Non-backed enums have no value";
		default: return "Unknown error";
	}
}

/* Encodes argument `arg_num` as JSON into `out`; on failure throws (ValueError naming the
 * argument) and returns FAILURE. Leaves json_last_error() as the script last saw it. */
static zend_result pet_migrate_encode(zval *value, uint32_t arg_num, smart_str *out)
{
	php_json_error_code saved_json_error = JSON_G(error_code), encode_error;
	zend_result encoded;

	/* Some errors (NAN, INF) are only recorded in the error code, as json_encode() sees
	 * them; any error is a failure here. */
	encoded = php_json_encode_ex(out, value, PET_MIGRATE_JSON_ENCODE_OPTIONS, PHP_JSON_PARSER_DEFAULT_DEPTH);
	encode_error = JSON_G(error_code);
	JSON_G(error_code) = saved_json_error;
	if (encoded == FAILURE || encode_error != PHP_JSON_ERROR_NONE || EG(exception)) {
		smart_str_free(out);
		if (!EG(exception)) { /* a JsonSerializable may have thrown already */
			zend_argument_value_error(arg_num, "cannot be encoded as JSON: %s", pet_migrate_json_error(encode_error));
		}
		return FAILURE;
	}
	smart_str_0(out);
	return SUCCESS;
}

/* Decodes the engine's report into return_value and releases it; throws RuntimeException
 * when the engine broke its contract (no report, or not a JSON object). */
static void pet_migrate_return_report(zval *return_value, char *report)
{
	php_json_error_code saved_json_error = JSON_G(error_code);
	zend_result decoded;

	if (report == NULL) {
		zend_throw_exception_ex(spl_ce_RuntimeException, 0,
			"%s(): the PET Migrate engine returned no report", get_active_function_name());
		return;
	}
	decoded = php_json_decode_ex(return_value, report, strlen(report),
		PHP_JSON_OBJECT_AS_ARRAY, PHP_JSON_PARSER_DEFAULT_DEPTH);
	pet_migrate_free(report);
	JSON_G(error_code) = saved_json_error;

	if (decoded == FAILURE || Z_TYPE_P(return_value) != IS_ARRAY) {
		zval_ptr_dtor(return_value);
		ZVAL_NULL(return_value);
		zend_throw_exception_ex(spl_ce_RuntimeException, 0,
			"%s(): the PET Migrate engine returned a report that is not a JSON object",
			get_active_function_name());
	}
}

static void pet_migrate_call(INTERNAL_FUNCTION_PARAMETERS, pet_migrate_entry_point entry)
{
	zval *config;
	smart_str config_json = {0};
	char *report = NULL;

	ZEND_PARSE_PARAMETERS_START(1, 1)
		Z_PARAM_ARRAY(config)
	ZEND_PARSE_PARAMETERS_END();

	if (pet_migrate_encode(config, 1, &config_json) == FAILURE) {
		RETURN_THROWS();
	}
	entry(ZSTR_VAL(config_json.s), &report);
	smart_str_free(&config_json);
	pet_migrate_return_report(return_value, report);
}

/* {{{ Validates the migration set and applies every pending migration; returns the report. */
PHP_FUNCTION(pet_migrate_activate)
{
	pet_migrate_call(INTERNAL_FUNCTION_PARAM_PASSTHRU, pet_migrate_activate);
}
/* }}} */

/* {{{ Read-only: where the schema stands. */
PHP_FUNCTION(pet_migrate_status)
{
	pet_migrate_call(INTERNAL_FUNCTION_PARAM_PASSTHRU, pet_migrate_status);
}
/* }}} */

/* {{{ Runs queued background data work in chunks within config "budget_ms"; returns the report. */
PHP_FUNCTION(pet_migrate_resume)
{
	pet_migrate_call(INTERNAL_FUNCTION_PARAM_PASSTHRU, pet_migrate_resume);
}
/* }}} */

/* {{{ Holds every unfinished background data step until it is resumed. */
PHP_FUNCTION(pet_migrate_pause)
{
	pet_migrate_call(INTERNAL_FUNCTION_PARAM_PASSTHRU, pet_migrate_pause);
}
/* }}} */

/* {{{ Verifies the copies with a cut-over flag against their sources, repairing ranges that differ. */
PHP_FUNCTION(pet_migrate_verify)
{
	pet_migrate_call(INTERNAL_FUNCTION_PARAM_PASSTHRU, pet_migrate_verify);
}
/* }}} */

/* {{{ Switches a cut-over flag: $request is {"flag", "action", "percent", "actor"}. */
PHP_FUNCTION(pet_migrate_cutover)
{
	zval *config, *request;
	smart_str config_json = {0}, request_json = {0};
	char *report = NULL;

	ZEND_PARSE_PARAMETERS_START(2, 2)
		Z_PARAM_ARRAY(config)
		Z_PARAM_ARRAY(request)
	ZEND_PARSE_PARAMETERS_END();

	if (pet_migrate_encode(config, 1, &config_json) == FAILURE) {
		RETURN_THROWS();
	}
	if (pet_migrate_encode(request, 2, &request_json) == FAILURE) {
		smart_str_free(&config_json);
		RETURN_THROWS();
	}
	pet_migrate_cutover(ZSTR_VAL(config_json.s), ZSTR_VAL(request_json.s), &report);
	smart_str_free(&config_json);
	smart_str_free(&request_json);
	pet_migrate_return_report(return_value, report);
}
/* }}} */

/* {{{ Staged rollout: the stable bucket (0 to 9999) of $key for $flag. */
PHP_FUNCTION(pet_migrate_rollout_bucket)
{
	zend_string *flag, *key;
	int bucket;

	ZEND_PARSE_PARAMETERS_START(2, 2)
		Z_PARAM_STR(flag)
		Z_PARAM_STR(key)
	ZEND_PARSE_PARAMETERS_END();

	/* The engine takes C strings: a NUL inside would silently cut the key short. */
	if (memchr(ZSTR_VAL(flag), '\0', ZSTR_LEN(flag))) {
		zend_argument_value_error(1, "must not contain any null bytes");
		RETURN_THROWS();
	}
	if (memchr(ZSTR_VAL(key), '\0', ZSTR_LEN(key))) {
		zend_argument_value_error(2, "must not contain any null bytes");
		RETURN_THROWS();
	}
	bucket = pet_migrate_rollout_bucket(ZSTR_VAL(flag), ZSTR_VAL(key));
	if (bucket < 0) {
		zend_argument_value_error(2, "must be valid UTF-8, as must argument #1 ($flag)");
		RETURN_THROWS();
	}
	RETURN_LONG(bucket);
}
/* }}} */

/* {{{ Read-only: the newest audit events, in the report's "events". */
PHP_FUNCTION(pet_migrate_events)
{
	pet_migrate_call(INTERNAL_FUNCTION_PARAM_PASSTHRU, pet_migrate_events);
}
/* }}} */

/* {{{ Validates a migrations directory without touching any database. */
PHP_FUNCTION(pet_migrate_lint)
{
	pet_migrate_call(INTERNAL_FUNCTION_PARAM_PASSTHRU, pet_migrate_lint);
}
/* }}} */

/* {{{ Cheap and read-only: the migration files the engine would read, with fingerprints. */
PHP_FUNCTION(pet_migrate_files)
{
	pet_migrate_call(INTERNAL_FUNCTION_PARAM_PASSTHRU, pet_migrate_files);
}
/* }}} */

/* {{{ The engine library's version, "MAJOR.MINOR.PATCH". */
PHP_FUNCTION(pet_migrate_version)
{
	const char *version;

	ZEND_PARSE_PARAMETERS_NONE();

	version = pet_migrate_version();
	RETURN_STRING(version ? version : "");
}
/* }}} */

/* {{{ PHP_MINIT_FUNCTION */
PHP_MINIT_FUNCTION(pet_migrate)
{
#if defined(ZTS) && defined(COMPILE_DL_PET_MIGRATE)
	ZEND_TSRMLS_CACHE_UPDATE();
#endif
	register_pet_migrate_symbols(module_number);
	return SUCCESS;
}
/* }}} */

/* {{{ PHP_MINFO_FUNCTION */
PHP_MINFO_FUNCTION(pet_migrate)
{
	const char *engine_version = pet_migrate_version();
	Dl_info library;

	php_info_print_table_start();
	php_info_print_table_row(2, "PET Migrate support", "enabled");
	php_info_print_table_row(2, "Extension version", PHP_PET_MIGRATE_VERSION);
	php_info_print_table_row(2, "Engine version", engine_version ? engine_version : "unknown");
	if (dladdr((void *) pet_migrate_version, &library) && library.dli_fname) {
		php_info_print_table_row(2, "Engine library", library.dli_fname);
	}
	php_info_print_table_end();
}
/* }}} */

static const zend_module_dep pet_migrate_deps[] = {
	ZEND_MOD_REQUIRED("json")
	ZEND_MOD_END
};

/* {{{ pet_migrate_module_entry */
zend_module_entry pet_migrate_module_entry = {
	STANDARD_MODULE_HEADER_EX,
	NULL,
	pet_migrate_deps,
	"pet_migrate",            /* Extension name */
	ext_functions,            /* zend_function_entry */
	PHP_MINIT(pet_migrate),   /* PHP_MINIT - Module initialization */
	NULL,                     /* PHP_MSHUTDOWN - Module shutdown */
	NULL,                     /* PHP_RINIT - Request initialization */
	NULL,                     /* PHP_RSHUTDOWN - Request shutdown */
	PHP_MINFO(pet_migrate),   /* PHP_MINFO - Module info */
	PHP_PET_MIGRATE_VERSION,  /* Version */
	STANDARD_MODULE_PROPERTIES
};
/* }}} */

#ifdef COMPILE_DL_PET_MIGRATE
# ifdef ZTS
ZEND_TSRMLS_CACHE_DEFINE()
# endif
ZEND_GET_MODULE(pet_migrate)
#endif
