
# The .phpt tests also use PHP's own sqlite3 and mysqli to look at what the engine wrote.
# `make test` runs PHP with -n and extension_dir=modules/, where a distribution's shared
# sqlite3/mysqli cannot be found, so they are loaded by absolute path (when they are shared).
PET_MIGRATE_TEST_EXTENSIONS = $(shell for e in sqlite3 mysqlnd mysqli; do \
	if ! $(PHP_EXECUTABLE) -n -r "exit(extension_loaded('$$e') ? 0 : 1);" 2>/dev/null \
		&& test -f "$(EXTENSION_DIR)/$$e.so"; then printf ' -d extension=%s' "$(EXTENSION_DIR)/$$e.so"; fi; done)
PHP_TEST_SHARED_EXTENSIONS += $(PET_MIGRATE_TEST_EXTENSIONS)
