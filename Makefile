# PET Migrate: one entry point for the multi-language build.
#   make run    install what is missing, build, migrate a local SQLite database with the
#               plugin's migrations and print its status
#   make test   install what is missing, build everything and run every test suite, then
#               fuzz each libFuzzer target briefly (FUZZ_SECONDS each, default 30)
#   make fuzz   only the fuzzing: FUZZ_SECONDS per target (see Tests/Fuzz/README.md)
#   make package   the Debian package dist/pet-migrate_VERSION_ARCH.deb (engine, PHP extension, CLI)
#   make dist      the plugin as WordPress's "Upload Plugin" takes it: dist/pet-VERSION.zip
#   make install PREFIX=/usr/local [DESTDIR=…]   the same files for a machine without the package
SHELL := /bin/bash
REPO := $(CURDIR)
SWIFT_RELEASE := swift build -c release -Xswiftc -static-stdlib
LIB := .build/release/libpet_migrate.so
CLI := .build/release/pet-migrate
EXTENSION := bridge/modules/pet_migrate.so
RUN_DATABASE ?= pet.db
FUZZ_SECONDS ?= 30
PREFIX ?= /usr/local
DESTDIR ?=

.PHONY: all deps test-deps lib cli extension run test test-swift test-bridge test-php-unit test-wordpress test-server fuzz mariadb cluster benchmark benchmark-smoke package dist install clean

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

# A 3-node Galera cluster and a primary with a replica, for the distributed-setup tests.
cluster:
	scripts/galera-test-cluster.sh start

test: test-deps all mariadb cluster
	@eval "$$(scripts/mariadb-test-server.sh env)" && eval "$$(scripts/galera-test-cluster.sh env)" && \
	  $(MAKE) --no-print-directory test-swift test-bridge test-php-unit test-wordpress test-server benchmark-smoke fuzz

test-swift:
	swift build --build-tests
	swift test

test-bridge:
	scripts/test-bridge.sh

# PHPUnit (Debian's phpunit): the plugin's decision logic on its own, with the real extension.
test-php-unit: extension
	eval "$$(scripts/php-ini-isolate.sh)" && php -d extension=$(REPO)/$(EXTENSION) /usr/bin/phpunit --configuration Tests/PHPUnit/phpunit.xml

test-wordpress:
	scripts/test-wordpress.sh

# libFuzzer on the loader and the configuration parser; a crash is kept under Tests/Fuzz/crashes.
fuzz:
	scripts/fuzz.sh $(FUZZ_SECONDS)

# The package and the zip on the real stack: installs the .deb on this machine (root or sudo),
# serves WordPress with nginx and php-fpm, removes the package again at the end.
test-server: package dist
	scripts/test-server.sh

package: lib cli
	scripts/build-package.sh

dist:
	scripts/build-dist.sh

# Engine in $(PREFIX)/lib, pet-migrate in $(PREFIX)/bin, header, man page, docs; the PHP extension
# in PHP's extension directory (PHP_EXTENSION_DIR=… to choose another) and its ini in
# $(PREFIX)/share/pet-migrate/pet_migrate.ini, to link into PHP's conf.d (README: Install on a server).
install: lib cli
	DESTDIR="$(DESTDIR)" PREFIX="$(PREFIX)" scripts/install-tree.sh

# Figures, not pass/fail: PET against the stock clients doing the same work, in one run
# (scripts/benchmark.sh; writes BENCHMARKS.md): applying migrations, the no-op check and a
# 1,000,000-row background backfill; then the plugin's per-request upgrade check against PET
# 0.1.0's. Several minutes; not part of `make test`. BENCHMARK_ARGS passes options to the
# script, e.g. BENCHMARK_ARGS="--section backfill" (scripts/benchmark.sh --help).
BENCHMARK_ARGS ?=
benchmark: test-deps all
	scripts/benchmark.sh $(BENCHMARK_ARGS)
	@eval "$$(scripts/php-ini-isolate.sh)" && php -d extension=$(REPO)/$(EXTENSION) Tests/Benchmarks/upgrade_check.php

# The same harness at 20 migrations, one run and a 2,000-row backfill, printing only: keeps the
# benchmark working (CI).
benchmark-smoke: all
	scripts/benchmark.sh --smoke

clean:
	rm -rf .build .build-fuzz dist
	-[ -f bridge/Makefile ] && $(MAKE) -C bridge distclean
	-cd bridge && phpize --clean >/dev/null 2>&1; rm -f .configured build.log
	-$(MAKE) -C Tests/CABI clean
