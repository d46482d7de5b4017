<?php
/**
 * Uninstalling PET never drops its data.
 *
 * PET's tables (projects, tasks), its migration registry, state and audit log stay in the
 * database, so that reinstalling PET finds everything as it was and no data is ever lost by
 * a click. Only the cached "newest shipped migration" is forgotten (it describes code that
 * is being deleted). To remove PET's data, an administrator drops the tables explicitly.
 *
 * @package PET
 */

defined( 'WP_UNINSTALL_PLUGIN' ) || exit;

if ( is_multisite() ) {
	foreach ( get_sites(
		array(
			'fields' => 'ids',
			'number' => 0,
		)
	) as $pet_blog_id ) {
		delete_blog_option( (int) $pet_blog_id, 'pet_migrate_code' );
	}
} else {
	delete_option( 'pet_migrate_code' );
}
