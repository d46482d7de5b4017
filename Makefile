# PET Migrate: one entry point for the multi-language build.
#   make run    install what is missing, build, migrate a local SQLite database with the
#               plugin's migrations and print its status
#   make test   install what is missing, build everything and run every test suite
SHELL := /bin/bash
REPO := $(CURDIR)
SWIFT_RELEASE := swift build -c release -Xswiftc -static-stdlib
LIB := .build/release/libpet_migrate.so
CLI := .build/release/pet-migrate
EXTENSION := bridge/modules/pet_migrate.so
RUN_DATABASE ?= pet.db

.PHONY: all deps test-deps lib cli extension run test test-swift test-bridge test-php-unit test-wordpress mariadb benchmark clean

all: lib cli extension

deps:
	@scripts/install-deps.sh

test-deps:
	@scripts/install-deps.sh --test

lib:
	$(SWIFT_RELEASE) --product pet_migrate

cli:
	$(SWIFT_RELEASE) --product pet-migrate

extension: lib
	scripts/build-bridge.sh

run: deps cli
	$(CLI) activate --database sqlite:$(RUN_DATABASE) --migrations php/migrations
	$(CLI) status --database sqlite:$(RUN_DATABASE) --migrations php/migrations

mariadb:
	scripts/mariadb-test-server.sh start

test: test-deps all mariadb
	@eval "$$(scripts/mariadb-test-server.sh env)" && $(MAKE) --no-print-directory test-swift test-bridge test-php-unit test-wordpress

test-swift:
	swift build --build-tests
	swift test

test-bridge:
	scripts/test-bridge.sh

# PHPUnit (Debian's phpunit): the plugin's decision logic on its own, with the real extension.
test-php-unit: extension
	PHP_INI_SCAN_DIR=$$(scripts/php-conf-without-pet.sh) php -d extension=$(REPO)/$(EXTENSION) /usr/bin/phpunit --configuration Tests/PHPUnit/phpunit.xml

test-wordpress:
	scripts/test-wordpress.sh

# Figures, not pass/fail: the hot path against a baseline measured in the same run.
benchmark: extension mariadb
	@eval "$$(scripts/mariadb-test-server.sh env)" && PHP_INI_SCAN_DIR=$$(scripts/php-conf-without-pet.sh) php -d extension=$(REPO)/$(EXTENSION) Tests/Benchmarks/hot_path.php
	@PHP_INI_SCAN_DIR=$$(scripts/php-conf-without-pet.sh) php -d extension=$(REPO)/$(EXTENSION) Tests/Benchmarks/upgrade_check.php

clean:
	rm -rf .build
	-[ -f bridge/Makefile ] && $(MAKE) -C bridge distclean
	-cd bridge && phpize --clean >/dev/null 2>&1; rm -f .configured build.log
	-$(MAKE) -C Tests/CABI clean
