<?php
/**
 * Multisite: every site has its own tables (its own $wpdb->prefix) and its own migrations.
 *
 * @package PET
 */

defined( 'ABSPATH' ) || exit;

/**
 * Network activation migrates every site (Pet_Lifecycle::on_activation); a site created
 * later is migrated as soon as WordPress has initialised it.
 */
class Pet_Network {

	/**
	 * Hooks.
	 */
	public static function register() {
		// After core's own wp_initialize_site (priority 10) has created the site's tables.
		add_action( 'wp_initialize_site', array( __CLASS__, 'on_initialize_site' ), 20, 1 );
	}

	/**
	 * Whether PET is network-active (works outside wp-admin too).
	 *
	 * @return bool
	 */
	public static function is_network_active() {
		if ( ! is_multisite() ) {
			return false;
		}
		$active = get_site_option( 'active_sitewide_plugins', array() );
		return is_array( $active ) && isset( $active[ PET_PLUGIN_BASENAME ] );
	}

	/**
	 * A network option as the database holds it now, or as this request read it before.
	 * Long requests (a network walk) read again: another request may have written the
	 * option since, and writing back this request's cached copy would undo that.
	 *
	 * @param string $option Network option.
	 * @param bool   $fresh  Read the database, not this request's cache.
	 * @return mixed
	 */
	public static function site_option( $option, $fresh ) {
		if ( $fresh ) {
			wp_cache_delete( get_current_network_id() . ':' . $option, 'site-options' );
		}
		return get_site_option( $option );
	}

	/**
	 * IDs of the sites where PET is active: every site when it is network-active, otherwise
	 * those that activated it themselves (one option read per site, so only for explicit
	 * operator actions such as `wp pet migrate run --network`, never on ordinary requests).
	 *
	 * @return int[]
	 */
	public static function active_site_ids() {
		if ( ! is_multisite() || self::is_network_active() ) {
			return Pet_Runner::site_ids();
		}
		$active = array();
		foreach ( Pet_Runner::site_ids() as $blog_id ) {
			if ( in_array( PET_PLUGIN_BASENAME, (array) get_blog_option( $blog_id, 'active_plugins', array() ), true ) ) {
				$active[] = $blog_id;
			}
		}
		return $active;
	}

	/**
	 * Migrates a new site of a network where PET is network-active.
	 *
	 * @param WP_Site $site The new site.
	 */
	public static function on_initialize_site( $site ) {
		if ( ! self::is_network_active() ) {
			return;
		}
		Pet_Runner::run_site( 'site-init', (int) $site->blog_id, array(), Pet_Migration_Files::key() );
	}
}
