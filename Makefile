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

.PHONY: all deps test-deps lib cli extension run test test-swift test-bridge test-wordpress mariadb cluster benchmark benchmark-smoke clean

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
	  $(MAKE) --no-print-directory test-swift test-bridge test-wordpress benchmark-smoke

test-swift:
	swift build --build-tests
	swift test

test-bridge:
	scripts/test-bridge.sh

test-wordpress:
	scripts/test-wordpress.sh

# Figures, not pass/fail: PET against the stock clients doing the same work, in one run
# (scripts/benchmark.sh; writes BENCHMARKS.md). Several minutes; not part of `make test`.
benchmark: test-deps all
	scripts/benchmark.sh

# The same harness at 20 migrations and one run, printing only: keeps the benchmark working (CI).
benchmark-smoke: all
	scripts/benchmark.sh --smoke

clean:
	rm -rf .build
	-[ -f bridge/Makefile ] && $(MAKE) -C bridge distclean
	-cd bridge && phpize --clean >/dev/null 2>&1; rm -f .configured build.log
	-$(MAKE) -C Tests/CABI clean
