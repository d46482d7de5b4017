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
		$state = Pet_State::get();
		if ( 'background' === $state['mode'] && $state['work'] ) {
			self::render_progress( $state );
			if ( 'blocking' === Pet_Gate::reason() ) {
				return; // The progress notice says what PET waits for.
			}
		}
		if ( Pet_Gate::is_open() ) {
			return;
		}
		$screen = function_exists( 'get_current_screen' ) ? get_current_screen() : null;
		if ( $screen && 'tools_page_' . Pet_Admin_Page::SLUG === $screen->id ) {
			// The operator screen shows the failure in full, but not why a migration handed to
			// the background does not move.
			$stall = 'migrating' === Pet_Gate::reason() ? Pet_Background_Runner::stall( $state ) : null;
			if ( null !== $stall ) {
				echo '<div class="notice notice-warning pet-migrate-notice pet-migrate-stall">';
				self::render_stall( $stall );
				echo '</div>';
			}
			return;
		}
		self::render_maintenance();
	}

	/**
	 * While data work runs: how far it got (percentage, rows, rate, ETA, or why it waits),
	 * what PET's features do meanwhile, and, when slices stopped arriving, the command that
	 * runs the work instead. Reads only the state and the runner's option (no query).
	 *
	 * @param array $state State.
	 */
	private static function render_progress( array $state ) {
		$stall = Pet_Background_Runner::stall( $state );
		$class = null === $stall ? 'notice-info' : 'notice-warning';
		echo '<div class="notice ' . esc_attr( $class ) . ' pet-migrate-notice pet-migrate-progress">';
		echo '<p><strong>' . esc_html__( 'PET is updating its data in the background.', 'pet' ) . '</strong> ';
		$gates = $state['gates'] ?? null;
		if ( 'everything' === $gates ) {
			echo esc_html__( "PET's own pages and features are paused until it is done; the rest of your site works normally.", 'pet' );
		} elseif ( 'writes' === $gates ) {
			echo esc_html__( 'Until it is done PET shows its data but does not change it.', 'pet' );
		} else {
			echo esc_html__( 'PET works normally meanwhile.', 'pet' );
		}
		echo '</p><ul class="pet-work">';
		foreach ( (array) $state['work'] as $item ) {
			echo '<li>' . esc_html( Pet_Status_View::work_item_summary( $item ) ) . '</li>';
		}
		echo '</ul>';
		if ( null !== $stall ) {
			self::render_stall( $stall );
		}
		echo '</div>';
	}

	/**
	 * Why the background work is not moving, and the command that runs it instead.
	 *
	 * @param array $stall See Pet_Background_Runner::stall().
	 */
	private static function render_stall( array $stall ) {
		$last = $stall['last_slice_at'] > 0 ? sprintf( /* translators: %s: a time span such as "12 mins". */ __( 'The last slice ran %s ago.', 'pet' ), human_time_diff( (int) $stall['last_slice_at'] ) ) : __( 'No slice has run yet.', 'pet' );
		if ( 'killed' === $stall['reason'] ) {
			$why  = sprintf(
				/* translators: %d: a number of requests (3 or more). */
				__( 'The work is not moving: the web server stopped the last %d background requests before they finished, and each attempt it stops is undone by the next. Its time limit for a request (for PHP-FPM, request_terminate_timeout, which request_terminate_timeout_track_finished applies after the answer too) is shorter than what is left to do, so PET now tries again only every 10 minutes. Raise that limit and PET carries on by itself.', 'pet' ),
				(int) $stall['kills_in_a_row']
			);
			$last = '';
		} elseif ( 'cron_disabled' === $stall['reason'] ) {
			$why = __( 'The work is not moving: WP-Cron is disabled on this site (DISABLE_WP_CRON), and no system cron job ran it.', 'pet' );
		} else {
			$why = __( 'The work is not moving: the scheduled slices stopped arriving (WP-Cron may not be running).', 'pet' );
		}
		if ( ! empty( $stall['loopback_error'] ) && 'killed' !== $stall['reason'] ) {
			/* translators: %s: the connection error. */
			$why .= ' ' . sprintf( __( 'This site cannot send requests to itself either (%s).', 'pet' ), $stall['loopback_error'] );
		}
		printf(
			'<p class="pet-stall">%s %s %s <code>%s</code></p>',
			esc_html( $why ),
			esc_html( $last ),
			esc_html__( 'Run it from a shell instead:', 'pet' ),
			esc_html( Pet_Status_View::cli_command() )
		);
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
		// Two network options, whatever the number of sites: the walk and the summary.
		$walk = Pet_Status_View::network_walk_summary( Pet_Network_Queue::get() );
		if ( '' !== $walk ) {
			printf(
				'<div class="notice notice-info pet-migrate-notice pet-migrate-network-walk"><p>%s %s <a href="%s">%s</a></p></div>',
				esc_html( $walk ),
				esc_html__( 'Sites not reached yet are updated on their first visit.', 'pet' ),
				esc_url( network_admin_url( 'settings.php?page=' . Pet_Admin_Page::SLUG ) ),
				esc_html__( 'See every site', 'pet' )
			);
		}
		$summary = Pet_Network_Status::summary();
		if ( null === $summary || empty( $summary['failures'] ) ) {
			return;
		}
		echo '<div class="notice notice-error pet-migrate-notice">';
		echo '<p><strong>' . esc_html__( 'PET is paused on some sites: their database could not be updated.', 'pet' ) . '</strong></p><ul>';
		foreach ( $summary['failures'] as $blog_id => $failure ) {
			$migration = empty( $failure['version'] ) ? null : (string) $failure['version'];
			printf(
				'<li><a href="%1$s">%2$s</a>: %3$s%4$s</li>',
				esc_url( get_admin_url( $blog_id, 'tools.php?page=' . Pet_Admin_Page::SLUG ) ),
				esc_html( $failure['url'] ),
				esc_html( Pet_Messages::headline( $failure['reason'] ) . ' ' . Pet_Messages::explanation( $failure['kind'], $failure['result'] ) ),
				null === $migration ? '' : ' <code>' . esc_html( $migration ) . '</code>'
			);
		}
		echo '</ul><p>';
		echo esc_html( Pet_Messages::advice( 'active', 'maintenance', true ) );
		printf( ' <a href="%s">%s</a></p></div>', esc_url( network_admin_url( 'settings.php?page=' . Pet_Admin_Page::SLUG . '&pet_class=failed' ) ), esc_html__( 'See every site', 'pet' ) );
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
		} else {
			$stall = Pet_Background_Runner::stall( $state );
			if ( null !== $stall ) {
				self::render_stall( $stall ); // A migration handed to the background that does not move.
			}
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
