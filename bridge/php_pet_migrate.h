/* pet_migrate extension for PHP: a thin bridge to libpet_migrate.so (include/pet_migrate.h). */

#ifndef PHP_PET_MIGRATE_H
# define PHP_PET_MIGRATE_H

extern zend_module_entry pet_migrate_module_entry;
# define phpext_pet_migrate_ptr &pet_migrate_module_entry

# define PHP_PET_MIGRATE_VERSION "0.1.0"

# if defined(ZTS) && defined(COMPILE_DL_PET_MIGRATE)
ZEND_TSRMLS_CACHE_EXTERN()
# endif

#endif	/* PHP_PET_MIGRATE_H */
