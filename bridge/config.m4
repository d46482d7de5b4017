dnl config.m4 for extension pet_migrate
dnl
dnl   phpize && ./configure --with-pet-migrate=DIR && make
dnl
dnl DIR is the root of the PET Migrate repository: the header is read from DIR/include and
dnl libpet_migrate.so from DIR/.build/release (or from PET_MIGRATE_LIBDIR when it is set).
dnl The library directory is recorded as the module's rpath, so PHP finds the engine with
dnl no LD_LIBRARY_PATH. Without a DIR the repository that holds this directory is used.

PHP_ARG_WITH([pet-migrate],
  [for PET Migrate support],
  [AS_HELP_STRING([[--with-pet-migrate[=DIR]]],
    [Include PET Migrate support. DIR is the PET Migrate repository root
    (header in DIR/include, library in DIR/.build/release or PET_MIGRATE_LIBDIR)])])

AC_ARG_VAR([PET_MIGRATE_LIBDIR], [directory of libpet_migrate.so (default DIR/.build/release)])

if test "$PHP_PET_MIGRATE" != "no"; then
  if test "$PHP_PET_MIGRATE" = "yes"; then
    PHP_PET_MIGRATE=`cd "$abs_srcdir/.." && pwd`
  fi

  AC_MSG_CHECKING([for pet_migrate.h])
  if test -r "$PHP_PET_MIGRATE/include/pet_migrate.h"; then
    AC_MSG_RESULT([$PHP_PET_MIGRATE/include])
  else
    AC_MSG_RESULT([not found])
    AC_MSG_ERROR([pet_migrate.h not found in $PHP_PET_MIGRATE/include; pass the repository root: --with-pet-migrate=DIR])
  fi

  if test -z "$PET_MIGRATE_LIBDIR"; then
    PET_MIGRATE_LIBDIR="$PHP_PET_MIGRATE/.build/release"
  fi

  PHP_CHECK_LIBRARY([pet_migrate], [pet_migrate_version],
  [
    PHP_ADD_INCLUDE([$PHP_PET_MIGRATE/include])
    PHP_ADD_LIBRARY_WITH_PATH([pet_migrate], [$PET_MIGRATE_LIBDIR], [PET_MIGRATE_SHARED_LIBADD])
    AC_DEFINE([HAVE_PET_MIGRATE], [1], [Whether PET Migrate is present])
  ],[
    AC_MSG_ERROR([libpet_migrate.so not found or not linkable in $PET_MIGRATE_LIBDIR; build it first (swift build -c release --product pet_migrate -Xswiftc -static-stdlib) or set PET_MIGRATE_LIBDIR])
  ],[
    -L$PET_MIGRATE_LIBDIR
  ])

  PHP_SUBST([PET_MIGRATE_SHARED_LIBADD])
  PHP_NEW_EXTENSION([pet_migrate], [pet_migrate.c], [$ext_shared], , [-DZEND_ENABLE_STATIC_TSRMLS_CACHE=1])
  PHP_ADD_EXTENSION_DEP([pet_migrate], [json])
  PHP_ADD_MAKEFILE_FRAGMENT
fi
