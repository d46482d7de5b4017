<?php
/**
 * Admin notices: what failed, that PET is in maintenance, and what to do next — shown only
 * to users who can act on it (activate_plugins; network administrators on multisite).
 *
 * @package PET
 */

defined( 'ABSPATH' ) || exit;

/**
 * Renders the failure and maintenance notices.
 */
class Pet_Notices {

	/** Network admin: how many sites the summary notice lists at most. */
	const NETWORK_SITES_LISTED = 100;

	/** Network admin: how many sites the summary notice looks at (one option read each). */
	const NETWORK_SITES_CHECKED = 500;

	/**
	 * Hooks.
	 */
	public static function register() {
		add_action( 'admin_notices', array( __CLASS__, 'render_site_notices' ) );
		add_action( 'network_admin_notices', array( __CLASS__, 'render_network_notices' ) );
	}

	/**
	 * Site admin screens.
	 */
	public static function render_site_notices() {
		// Set only for a user who could activate PET (see Pet_Lifecycle::complete_halted_activation()).
		if ( null !== Pet_Lifecycle::$halted ) {
			self::render_halted( Pet_Lifecycle::$halted );
			return;
		}
		if ( ! Pet_Admin_Page::current_user_can_manage() ) {
			return;
		}
		self::render_retry_result();
		$screen = function_exists( 'get_current_screen' ) ? get_current_screen() : null;
		if ( Pet_Gate::is_open() || ( $screen && 'tools_page_' . Pet_Admin_Page::SLUG === $screen->id ) ) {
			return; // Open, or on the operator screen, which shows the same in full.
		}
		self::render_maintenance();
	}

	/**
	 * Network admin screens.
	 */
	public static function render_network_notices() {
		if ( null !== Pet_Lifecycle::$halted ) {
			self::render_halted( Pet_Lifecycle::$halted );
			return;
		}
		if ( ! current_user_can( 'manage_network_plugins' ) ) {
			return;
		}
		if ( ! Pet_Network::is_network_active() ) {
			return;
		}
		$closed = array();
		foreach ( array_slice( Pet_Runner::site_ids(), 0, self::NETWORK_SITES_CHECKED ) as $blog_id ) {
			$state = get_blog_option( $blog_id, Pet_State::OPTION );
			$state = array_merge( Pet_State::defaults(), is_array( $state ) ? $state : array() );
			if ( null !== $state['mode'] && ! Pet_Gate::is_open_for( $state ) ) {
				$closed[ $blog_id ] = $state;
			}
			if ( count( $closed ) >= self::NETWORK_SITES_LISTED ) {
				break;
			}
		}
		if ( ! $closed ) {
			return;
		}
		echo '<div class="notice notice-error pet-migrate-notice">';
		echo '<p><strong>' . esc_html__( 'PET is paused on some sites: their database could not be updated.', 'pet' ) . '</strong></p><ul>';
		foreach ( $closed as $blog_id => $state ) {
			$reason    = Pet_Gate::decide( $state )['reason'];
			$migration = Pet_Status_View::failed_migration( $state['error'] );
			printf(
				'<li><a href="%1$s">%2$s</a>: %3$s%4$s</li>',
				esc_url( get_admin_url( $blog_id, 'tools.php?page=' . Pet_Admin_Page::SLUG ) ),
				esc_html( get_home_url( $blog_id, '/' ) ),
				esc_html( Pet_Messages::headline( $reason ) . ' ' . Pet_Messages::explanation( $state['error']['kind'] ?? null, $state['result'] ) ),
				null === $migration ? '' : ' <code>' . esc_html( $migration ) . '</code>'
			);
		}
		echo '</ul><p>';
		echo esc_html( Pet_Messages::advice( 'active', 'maintenance', true ) );
		printf( ' <a href="%s">%s</a></p></div>', esc_url( network_admin_url( 'settings.php?page=' . Pet_Admin_Page::SLUG ) ), esc_html__( 'See every site', 'pet' ) );
	}

	/**
	 * The notice after a halted activation (the plugin has just been deactivated).
	 *
	 * @param array $halted What was halted (see Pet_Lifecycle::halt()).
	 */
	private static function render_halted( array $halted ) {
		echo '<div class="notice notice-error pet-migrate-notice pet-migrate-halted">';
		echo '<p><strong>' . esc_html( Pet_Messages::headline( 'halted' ) ) . '</strong> ';
		echo esc_html__( 'PET stays inactive until the cause is fixed.', 'pet' ) . '</p>';
		$reason = 'maintenance';
		foreach ( $halted['sites'] as $blog_id => $summary ) {
			if ( $halted['network'] ) {
				/* translators: %s: a site's address. */
				echo '<p>' . esc_html( sprintf( __( 'Site %s:', 'pet' ), get_home_url( $blog_id, '/' ) ) ) . '</p>';
			}
			$reason = Pet_Messages::reason_of_result( (int) $summary['result'] );
			Pet_Status_View::render_failure( $summary['error'], $summary['result'], $summary['message'] );
		}
		$activate_url = wp_nonce_url(
			( $halted['network'] ? network_admin_url( 'plugins.php' ) : admin_url( 'plugins.php' ) ) . '?action=activate&plugin=' . rawurlencode( PET_PLUGIN_BASENAME ),
			'activate-plugin_' . PET_PLUGIN_BASENAME
		);
		echo '<p>' . esc_html( Pet_Messages::advice( 'inactive', $reason, $halted['network'] ) ) . ' ';
		printf( '<a class="button button-primary" href="%s">%s</a>', esc_url( $activate_url ), esc_html__( 'Retry activation', 'pet' ) );
		echo '</p></div>';
	}

	/**
	 * The notice while PET is gated on this site: one headline, what went wrong, what to do.
	 */
	private static function render_maintenance() {
		// Read the engine's state table (this only happens while something is wrong).
		$report = Pet_Runner::status_site();
		$state  = Pet_State::get();
		if ( Pet_Gate::is_open() ) {
			return; // The state table shows the problem was fixed meanwhile (e.g. from WP-CLI).
		}
		$reason  = Pet_Gate::reason();
		$error   = Pet_Engine::CONFIG === $report['result'] && is_array( $report['error'] ) ? $report['error'] : $state['error'];
		$result  = Pet_Engine::CONFIG === $report['result'] ? Pet_Engine::CONFIG : $state['result'];
		$message = Pet_Engine::CONFIG === $report['result'] ? $report['message'] : $state['message'];

		echo '<div class="notice notice-error pet-migrate-notice pet-migrate-maintenance">';
		echo '<p><strong>' . esc_html( Pet_Messages::headline( $reason ) ) . '</strong> ';
		echo esc_html__( "PET's own pages and features are paused; the rest of your site works normally.", 'pet' ) . '</p>';
		if ( 'migrating' !== $reason ) {
			Pet_Status_View::render_failure( $error, $result, $message );
		}
		echo '<p>' . esc_html( Pet_Messages::advice( 'active', $reason, false, is_multisite() ? home_url( '/' ) : '' ) ) . ' ';
		if ( 'migrating' !== $reason ) {
			Pet_Status_View::render_retry_form( __( 'Retry', 'pet' ) );
		}
		printf( '<a href="%s">%s</a>', esc_url( Pet_Admin_Page::url() ), esc_html__( 'PET Migrations', 'pet' ) );
		echo '</p></div>';
	}

	/**
	 * The outcome of a Retry, once, after the redirect: in words, not a result code.
	 */
	private static function render_retry_result() {
		if ( ! isset( $_GET['pet_migrate_result'] ) ) { // phpcs:ignore WordPress.Security.NonceVerification -- display only.
			return;
		}
		$code  = (int) $_GET['pet_migrate_result']; // phpcs:ignore WordPress.Security.NonceVerification
		$class = Pet_Engine::is_success( $code ) ? 'notice-success' : 'notice-warning';
		printf(
			'<div class="notice %1$s is-dismissible pet-migrate-retry-result"><p>%2$s</p></div>',
			esc_attr( $class ),
			esc_html( Pet_Messages::outcome( $code ) )
		);
	}
}
