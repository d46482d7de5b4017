/* This is a generated file, edit the .stub.php file instead.
 * Stub hash: b38c47a7b41997efd5c5daf0647d2da2b4d187a6 */

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_pet_migrate_activate, 0, 1, IS_ARRAY, 0)
	ZEND_ARG_TYPE_INFO(0, config, IS_ARRAY, 0)
ZEND_END_ARG_INFO()

#define arginfo_pet_migrate_status arginfo_pet_migrate_activate

#define arginfo_pet_migrate_resume arginfo_pet_migrate_activate

#define arginfo_pet_migrate_pause arginfo_pet_migrate_activate

#define arginfo_pet_migrate_verify arginfo_pet_migrate_activate

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_pet_migrate_cutover, 0, 2, IS_ARRAY, 0)
	ZEND_ARG_TYPE_INFO(0, config, IS_ARRAY, 0)
	ZEND_ARG_TYPE_INFO(0, request, IS_ARRAY, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_pet_migrate_rollout_bucket, 0, 2, IS_LONG, 0)
	ZEND_ARG_TYPE_INFO(0, flag, IS_STRING, 0)
	ZEND_ARG_TYPE_INFO(0, key, IS_STRING, 0)
ZEND_END_ARG_INFO()

#define arginfo_pet_migrate_events arginfo_pet_migrate_activate

#define arginfo_pet_migrate_lint arginfo_pet_migrate_activate

#define arginfo_pet_migrate_files arginfo_pet_migrate_activate

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_pet_migrate_version, 0, 0, IS_STRING, 0)
ZEND_END_ARG_INFO()


ZEND_FUNCTION(pet_migrate_activate);
ZEND_FUNCTION(pet_migrate_status);
ZEND_FUNCTION(pet_migrate_resume);
ZEND_FUNCTION(pet_migrate_pause);
ZEND_FUNCTION(pet_migrate_verify);
ZEND_FUNCTION(pet_migrate_cutover);
ZEND_FUNCTION(pet_migrate_rollout_bucket);
ZEND_FUNCTION(pet_migrate_events);
ZEND_FUNCTION(pet_migrate_lint);
ZEND_FUNCTION(pet_migrate_files);
ZEND_FUNCTION(pet_migrate_version);


static const zend_function_entry ext_functions[] = {
	ZEND_FE(pet_migrate_activate, arginfo_pet_migrate_activate)
	ZEND_FE(pet_migrate_status, arginfo_pet_migrate_status)
	ZEND_FE(pet_migrate_resume, arginfo_pet_migrate_resume)
	ZEND_FE(pet_migrate_pause, arginfo_pet_migrate_pause)
	ZEND_FE(pet_migrate_verify, arginfo_pet_migrate_verify)
	ZEND_FE(pet_migrate_cutover, arginfo_pet_migrate_cutover)
	ZEND_FE(pet_migrate_rollout_bucket, arginfo_pet_migrate_rollout_bucket)
	ZEND_FE(pet_migrate_events, arginfo_pet_migrate_events)
	ZEND_FE(pet_migrate_lint, arginfo_pet_migrate_lint)
	ZEND_FE(pet_migrate_files, arginfo_pet_migrate_files)
	ZEND_FE(pet_migrate_version, arginfo_pet_migrate_version)
	ZEND_FE_END
};

static void register_pet_migrate_symbols(int module_number)
{
	REGISTER_LONG_CONSTANT("PET_OK", PET_OK, CONST_PERSISTENT);
	REGISTER_LONG_CONSTANT("PET_PENDING", PET_PENDING, CONST_PERSISTENT);
	REGISTER_LONG_CONSTANT("PET_LOCKED", PET_LOCKED, CONST_PERSISTENT);
	REGISTER_LONG_CONSTANT("PET_MAINTENANCE", PET_MAINTENANCE, CONST_PERSISTENT);
	REGISTER_LONG_CONSTANT("PET_INVALID", PET_INVALID, CONST_PERSISTENT);
	REGISTER_LONG_CONSTANT("PET_CONFIG", PET_CONFIG, CONST_PERSISTENT);
}
