<?php
/**
 * The operator's screen: Tools → PET Migrations (and Network Admin → Settings → PET Migrations).
 *
 * @package PET
 */

defined( 'ABSPATH' ) || exit;

/**
 * State, applied and pending migrations, recent events, and the Retry action.
 */
class Pet_Admin_Page {

	/** Menu slug. */
	const SLUG = 'pet-migrations';

	/** Events shown on the screen. */
	const EVENTS_SHOWN = 20;

	/**
	 * Hooks.
	 */
	public static function register() {
		add_action( 'admin_menu', array( __CLASS__, 'add_menu' ) );
		add_action( 'network_admin_menu', array( __CLASS__, 'add_network_menu' ) );
		add_action( 'admin_post_pet_migrate_retry', array( __CLASS__, 'handle_retry' ) );
		add_action( 'admin_post_pet_migrate_network_run', array( __CLASS__, 'handle_network_run' ) );
	}

	/**
	 * The capability that may see migration state and run migrations.
	 *
	 * @return string
	 */
	public static function capability() {
		/** Filters who may see PET Migrate's state and retry migrations. */
		return (string) apply_filters( 'pet_migrate_capability', is_multisite() ? 'manage_network_plugins' : 'activate_plugins' );
	}

	/**
	 * Whether the current user may see migration state and run migrations.
	 *
	 * @return bool
	 */
	public static function current_user_can_manage() {
		return current_user_can( self::capability() );
	}

	/**
	 * URL of the screen on the current site.
	 *
	 * @return string
	 */
	public static function url() {
		return admin_url( 'tools.php?page=' . self::SLUG );
	}

	/**
	 * Tools → PET Migrations.
	 */
	public static function add_menu() {
		add_management_page( __( 'PET Migrations', 'pet' ), __( 'PET Migrations', 'pet' ), self::capability(), self::SLUG, array( __CLASS__, 'render' ) );
	}

	/**
	 * Network Admin → Settings → PET Migrations.
	 */
	public static function add_network_menu() {
		add_submenu_page( 'settings.php', __( 'PET Migrations', 'pet' ), __( 'PET Migrations', 'pet' ), 'manage_network_plugins', self::SLUG, array( __CLASS__, 'render_network' ) );
	}

	/**
	 * The site screen.
	 */
	public static function render() {
		if ( ! self::current_user_can_manage() ) {
			wp_die( esc_html__( 'Sorry, you are not allowed to see PET Migrations.', 'pet' ), 403 );
		}
		$report = Pet_Runner::status_site();
		$state  = Pet_State::get();
		$events = Pet_Runner::events_site( self::EVENTS_SHOWN );
		$engine = Pet_Engine::version();

		echo '<div class="wrap pet-migrations"><h1>' . esc_html__( 'PET Migrations', 'pet' ) . '</h1>';

		$rows = array(
			__( 'State', 'pet' )                   => Pet_Status_View::mode_label( $report['mode'] ?? $state['mode'] ),
			__( 'PET features', 'pet' )            => Pet_Gate::is_open() ? __( 'Available', 'pet' ) : __( 'Paused', 'pet' ) . ': ' . Pet_Messages::headline( Pet_Gate::reason() ),
			__( 'Schema version', 'pet' )          => $report['schema_version'] ?? $state['schema_version'] ?? '—',
			__( 'Newest migration shipped', 'pet' ) => Pet_Migration_Files::newest_version() ?? '—',
			__( 'Engine', 'pet' )                  => null === $engine ? __( 'PHP extension pet_migrate not loaded', 'pet' ) : 'PET Migrate ' . $engine,
			__( 'Last run', 'pet' )                => null === $state['result'] ? '—' : trim( Pet_Messages::outcome( (int) $state['result'] ) . ( $state['attempted_at'] ? ' (' . wp_date( 'Y-m-d H:i:s', $state['attempted_at'] ) . ')' : '' ) ),
		);
		echo '<table class="widefat striped pet-state" style="max-width:60em"><tbody>';
		foreach ( $rows as $label => $value ) {
			printf( '<tr><th scope="row" style="width:14em">%s</th><td>%s</td></tr>', esc_html( $label ), esc_html( (string) $value ) );
		}
		echo '</tbody></table>';

		echo '<h2>' . esc_html__( 'Report', 'pet' ) . '</h2>';
		if ( Pet_Engine::is_success( $report['result'] ) && Pet_Gate::is_open() ) {
			echo '<p>' . esc_html( Pet_Messages::outcome( $report['result'] ) ) . '</p>';
		} else {
			Pet_Status_View::render_failure( $report['error'] ?? $state['error'], Pet_Engine::is_success( $report['result'] ) ? $state['result'] : $report['result'], $report['message'] );
		}

		echo '<p>';
		Pet_Status_View::render_retry_form( Pet_Gate::is_open() ? __( 'Run pending migrations', 'pet' ) : __( 'Retry', 'pet' ) );
		printf(
			/* translators: %s: a WP-CLI command. */
			esc_html__( 'From a shell: %s', 'pet' ),
			'<code>' . esc_html( Pet_Status_View::cli_command() ) . '</code>'
		);
		echo '</p>';

		$sections = array(
			'pet-applied' => array(
				__( 'Applied migrations', 'pet' ),
				array(
					'version'    => __( 'Version', 'pet' ),
					'name'       => __( 'Name', 'pet' ),
					'applied_at' => __( 'Applied at', 'pet' ),
					'checksum'   => __( 'Checksum', 'pet' ),
				),
				$report['applied'],
				__( 'None yet.', 'pet' ),
			),
			'pet-pending' => array(
				__( 'Pending migrations', 'pet' ),
				array(
					'version' => __( 'Version', 'pet' ),
					'name'    => __( 'Name', 'pet' ),
				),
				$report['pending'],
				__( 'None: the schema is up to date.', 'pet' ),
			),
			'pet-events'  => array(
				__( 'Recent events', 'pet' ),
				array(
					'at'      => __( 'Time', 'pet' ),
					'event'   => __( 'Event', 'pet' ),
					'version' => __( 'Version', 'pet' ),
					'message' => __( 'Message', 'pet' ),
				),
				$events['events'],
				__( 'No events recorded.', 'pet' ),
			),
		);
		foreach ( $sections as $class => list( $title, $headers, $rows, $empty ) ) {
			echo '<h2>' . esc_html( $title ) . '</h2>';
			Pet_Status_View::render_table( $headers, (array) $rows, $empty, $class );
		}
		echo '</div>';
	}

	/**
	 * The network screen: every site's state.
	 */
	public static function render_network() {
		if ( ! current_user_can( 'manage_network_plugins' ) ) {
			wp_die( esc_html__( 'Sorry, you are not allowed to see PET Migrations.', 'pet' ), 403 );
		}
		echo '<div class="wrap pet-migrations-network"><h1>' . esc_html__( 'PET Migrations on every site', 'pet' ) . '</h1>';
		if ( isset( $_GET['pet_migrate_result'] ) ) { // phpcs:ignore WordPress.Security.NonceVerification -- display only.
			printf( '<div class="notice notice-info"><p>%s %s</p></div>', esc_html__( 'Ran on every site where PET is active. Worst outcome:', 'pet' ), esc_html( Pet_Messages::outcome( (int) $_GET['pet_migrate_result'] ) ) ); // phpcs:ignore WordPress.Security.NonceVerification
		}
		$rows = array();
		foreach ( Pet_Runner::site_ids() as $blog_id ) {
			$state  = get_blog_option( $blog_id, Pet_State::OPTION );
			$state  = array_merge( Pet_State::defaults(), is_array( $state ) ? $state : array() );
			$rows[] = array(
				'site'           => $blog_id,
				'url'            => get_home_url( $blog_id, '/' ),
				'schema_version' => $state['schema_version'] ?? '—',
				'mode'           => Pet_Status_View::mode_label( $state['mode'] ),
				'features'       => Pet_Gate::is_open_for( $state ) ? __( 'Available', 'pet' ) : __( 'Paused', 'pet' ),
				'result'         => $state['result_name'] ?? '—',
				'message'        => $state['message'],
			);
		}
		Pet_Status_View::render_table(
			array(
				'site'           => __( 'Site', 'pet' ),
				'url'            => __( 'Address', 'pet' ),
				'schema_version' => __( 'Schema version', 'pet' ),
				'mode'           => __( 'State', 'pet' ),
				'features'       => __( 'PET features', 'pet' ),
				'result'         => __( 'Last result', 'pet' ),
				'message'        => __( 'Message', 'pet' ),
			),
			$rows,
			__( 'No sites.', 'pet' ),
			'pet-sites'
		);
		printf( '<form method="post" action="%s"><input type="hidden" name="action" value="pet_migrate_network_run" />', esc_url( admin_url( 'admin-post.php' ) ) );
		wp_nonce_field( 'pet_migrate_network_run' );
		submit_button( __( 'Run pending migrations on every site', 'pet' ) );
		echo '</form></div>';
	}

	/**
	 * admin-post: Retry on the current site.
	 */
	public static function handle_retry() {
		if ( ! self::current_user_can_manage() ) {
			wp_die( esc_html__( 'Sorry, you are not allowed to run PET migrations.', 'pet' ), 403 );
		}
		check_admin_referer( 'pet_migrate_retry' );
		$report   = Pet_Runner::resume_site( 'retry' );
		$redirect = wp_get_referer();
		$redirect = $redirect ? $redirect : self::url();
		wp_safe_redirect( add_query_arg( 'pet_migrate_result', (int) $report['result'], remove_query_arg( 'pet_migrate_result', $redirect ) ) );
		exit;
	}

	/**
	 * admin-post (network): run on every site.
	 */
	public static function handle_network_run() {
		if ( ! current_user_can( 'manage_network_plugins' ) ) {
			wp_die( esc_html__( 'Sorry, you are not allowed to run PET migrations.', 'pet' ), 403 );
		}
		check_admin_referer( 'pet_migrate_network_run' );
		$worst = Pet_Engine::OK;
		foreach ( Pet_Runner::run_network( 'retry' ) as $report ) {
			$worst = max( $worst, (int) $report['result'] );
		}
		wp_safe_redirect( add_query_arg( 'pet_migrate_result', $worst, network_admin_url( 'settings.php?page=' . self::SLUG ) ) );
		exit;
	}
}
