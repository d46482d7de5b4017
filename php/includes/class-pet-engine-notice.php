<?php
/**
 * The "engine missing" notice: PET is active but the pet_migrate extension is not loaded
 * (for example after the pet-migrate package was removed, or PHP was upgraded without it).
 *
 * @package PET
 */

defined( 'ABSPATH' ) || exit;

/**
 * While PET's gate is open its features keep working with the schema they have; what no longer
 * works is applying the migrations of the next update. Administrators are told so, with what
 * to do. When the gate is shut the maintenance notice already names the missing extension.
 */
class Pet_Engine_Notice {

	/**
	 * Hooks.
	 */
	public static function register() {
		add_action( 'admin_notices', array( __CLASS__, 'render' ) );
		add_action( 'network_admin_notices', array( __CLASS__, 'render_network' ) );
	}

	/**
	 * Site admin screens.
	 */
	public static function render() {
		if ( Pet_Engine::is_available() || null !== Pet_Lifecycle::$halted || ! Pet_Admin_Page::current_user_can_manage() ) {
			return;
		}
		if ( ! Pet_Gate::is_open() ) {
			return; // The maintenance notice says why, including the missing extension.
		}
		self::output();
	}

	/**
	 * Network admin screens (PET network-active).
	 */
	public static function render_network() {
		if ( Pet_Engine::is_available() || null !== Pet_Lifecycle::$halted || ! Pet_Network::is_network_active() || ! current_user_can( 'manage_network_plugins' ) ) {
			return;
		}
		self::output();
	}

	/**
	 * The notice.
	 */
	private static function output() {
		echo '<div class="notice notice-warning pet-migrate-notice pet-migrate-engine-missing"><p><strong>';
		echo esc_html__( 'The PET Migrate engine is missing: the PHP extension pet_migrate is not loaded.', 'pet' );
		echo '</strong> ';
		echo esc_html__( 'PET keeps working with its current database, but cannot apply the database migrations that a future update of PET brings.', 'pet' );
		echo '</p><p>';
		printf(
			/* translators: 1: a Debian package name, 2: a shell command. */
			esc_html__( 'Next: ask your host to install the %1$s package (or to enable extension=pet_migrate.so) and reload PHP; %2$s shows whether it is loaded.', 'pet' ),
			'<code>pet-migrate</code>',
			'<code>php --ri pet_migrate</code>'
		);
		echo '</p></div>';
	}
}
