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

	/** Sites per page of the network screen. */
	const NETWORK_PAGE_SIZE = 50;

	/**
	 * Hooks.
	 */
	public static function register() {
		add_action( 'admin_menu', array( __CLASS__, 'add_menu' ) );
		add_action( 'network_admin_menu', array( __CLASS__, 'add_network_menu' ) );
		add_action( 'admin_post_pet_migrate_retry', array( __CLASS__, 'handle_retry' ) );
		add_action( 'admin_post_pet_migrate_network_run', array( __CLASS__, 'handle_network_run' ) );
		add_action( 'admin_post_pet_migrate_work', array( __CLASS__, 'handle_work' ) );
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

		self::render_work( (array) ( $report['work'] ?? array() ) );
		echo '<div id="pet-cutovers">';
		Pet_Cutover_Controls::render( (array) ( $report['cutovers'] ?? array() ) );
		echo '</div>';

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
	 * Background data work: each step's phase and figures (the most recently finished ones
	 * too, as history), and Pause or Resume.
	 *
	 * @param array[] $work The report's "work".
	 */
	private static function render_work( array $work ) {
		echo '<h2>' . esc_html__( 'Background data work', 'pet' ) . '</h2>';
		$rows   = array();
		$paused = false;
		$active = false;
		foreach ( $work as $item ) {
			$unfinished = 'done' !== ( $item['status'] ?? null );
			$paused     = $paused || ( $unfinished && ! empty( $item['paused'] ) );
			$active     = $active || ( $unfinished && empty( $item['paused'] ) );
			$rows[]     = array(
				'migration' => (string) ( $item['migration'] ?? $item['version'] ?? '' ),
				'step'      => (int) ( $item['step'] ?? 0 ) . ' ' . (string) ( $item['op'] ?? '' ),
				'table'     => (string) ( $item['target'] ?? '' ),
				'status'    => ! empty( $item['paused'] ) && $unfinished ? __( 'paused', 'pet' ) : (string) ( $item['status'] ?? '' ),
				'progress'  => $unfinished ? Pet_Status_View::work_item_summary( $item ) : sprintf( /* translators: %s: rows. */ __( '%s rows', 'pet' ), number_format_i18n( (int) ( $item['rows_done'] ?? 0 ) ) ),
				'started'   => (string) ( $item['started_at'] ?? '' ),
				'finished'  => (string) ( $item['finished_at'] ?? '' ),
			);
		}
		Pet_Status_View::render_table(
			array(
				'migration' => __( 'Migration', 'pet' ),
				'step'      => __( 'Step', 'pet' ),
				'table'     => __( 'Table', 'pet' ),
				'status'    => __( 'Status', 'pet' ),
				'progress'  => __( 'Progress', 'pet' ),
				'started'   => __( 'Started', 'pet' ),
				'finished'  => __( 'Finished', 'pet' ),
			),
			$rows,
			__( 'No background data work.', 'pet' ),
			'pet-work'
		);
		if ( ! $paused && ! $active ) {
			return;
		}
		printf( '<form method="post" action="%s" class="pet-work-form">', esc_url( admin_url( 'admin-post.php' ) ) );
		echo '<input type="hidden" name="action" value="pet_migrate_work" />';
		printf( '<input type="hidden" name="switch" value="%s" />', $active ? 'pause' : 'resume' );
		wp_nonce_field( 'pet_migrate_work' );
		submit_button( $active ? __( 'Pause the background work', 'pet' ) : __( 'Resume the background work', 'pet' ), 'secondary', 'submit', false );
		echo '</form>';
	}

	/**
	 * admin-post: pause or resume the background work.
	 */
	public static function handle_work() {
		if ( ! self::current_user_can_manage() ) {
			wp_die( esc_html__( 'Sorry, you are not allowed to run PET migrations.', 'pet' ), 403 );
		}
		check_admin_referer( 'pet_migrate_work' );
		if ( isset( $_POST['switch'] ) && 'pause' === $_POST['switch'] ) {
			$report = Pet_Runner::pause_site();
		} else {
			// One slice now; Pet_Background_Runner schedules the rest.
			$report = Pet_Runner::resume_site(
				'retry',
				null,
				array(
					'resume_paused' => true,
					'budget_ms'     => Pet_Background_Runner::budget_ms(),
				)
			);
		}
		wp_safe_redirect( add_query_arg( 'pet_migrate_result', (int) $report['result'], self::url() ) );
		exit;
	}

	/**
	 * The network screen: counts by state, the walk's progress, then the sites a page at a
	 * time, failures first (filter: all, failed, behind, working, ready).
	 */
	public static function render_network() {
		if ( ! current_user_can( 'manage_network_plugins' ) ) {
			wp_die( esc_html__( 'Sorry, you are not allowed to see PET Migrations.', 'pet' ), 403 );
		}
		// phpcs:disable WordPress.Security.NonceVerification -- display only.
		$filter = isset( $_GET['pet_class'] ) ? sanitize_key( wp_unslash( $_GET['pet_class'] ) ) : '';
		$paged  = isset( $_GET['paged'] ) ? max( 1, (int) $_GET['paged'] ) : 1;
		// phpcs:enable
		$rows    = Pet_Network_Status::sites();
		$summary = Pet_Network_Status::refresh( $rows );
		$labels  = array(
			'failed'  => __( 'Failed', 'pet' ),
			'behind'  => __( 'Behind', 'pet' ),
			'working' => __( 'Working', 'pet' ),
			'ready'   => __( 'Ready', 'pet' ),
		);

		echo '<div class="wrap pet-migrations-network"><h1>' . esc_html__( 'PET Migrations on every site', 'pet' ) . '</h1>';
		if ( isset( $_GET['pet_migrate_started'] ) ) { // phpcs:ignore WordPress.Security.NonceVerification -- display only.
			echo '<div class="notice notice-info"><p>' . esc_html__( 'Every site is being migrated in the background; this screen shows how far it got.', 'pet' ) . '</p></div>';
		}
		$walk = Pet_Status_View::network_walk_summary( Pet_Network_Queue::get() );
		if ( '' !== $walk ) {
			printf( '<p class="pet-network-walk">%s</p>', esc_html( $walk ) );
		}
		$base  = network_admin_url( 'settings.php?page=' . self::SLUG );
		$links = array( sprintf( '<a href="%s"%s>%s <span class="count">(%s)</span></a>', esc_url( $base ), '' === $filter ? ' class="current"' : '', esc_html__( 'All', 'pet' ), esc_html( number_format_i18n( count( $rows ) ) ) ) );
		foreach ( $labels as $class => $label ) {
			$links[] = sprintf( '<a href="%s" class="pet-count-%s%s">%s <span class="count">(%s)</span></a>', esc_url( add_query_arg( 'pet_class', $class, $base ) ), esc_attr( $class ), $class === $filter ? ' current' : '', esc_html( $label ), esc_html( number_format_i18n( $summary['counts'][ $class ] ) ) );
		}
		echo '<ul class="subsubsub pet-site-counts"><li>' . implode( ' | </li><li>', $links ) . '</li></ul><br class="clear" />'; // phpcs:ignore WordPress.Security.EscapeOutput -- escaped above.

		if ( isset( $labels[ $filter ] ) ) {
			$rows = array_values(
				array_filter(
					$rows,
					function ( $row ) use ( $filter ) {
						return $row['class'] === $filter;
					}
				)
			);
		}
		$pages = max( 1, (int) ceil( count( $rows ) / self::NETWORK_PAGE_SIZE ) );
		$paged = min( $paged, $pages );
		$shown = array();
		foreach ( array_slice( $rows, ( $paged - 1 ) * self::NETWORK_PAGE_SIZE, self::NETWORK_PAGE_SIZE ) as $row ) {
			$state   = $row['state'];
			$shown[] = array(
				'site'           => $row['blog_id'],
				'url'            => $row['url'],
				'class'          => $labels[ $row['class'] ],
				'schema_version' => $state['schema_version'] ?? '—',
				'mode'           => Pet_Status_View::mode_label( $state['mode'] ),
				'progress'       => Pet_Status_View::work_summary( $state ),
				'result'         => $state['result_name'] ?? '—',
				'message'        => $state['message'],
			);
		}
		Pet_Status_View::render_table(
			array(
				'site'           => __( 'Site', 'pet' ),
				'url'            => __( 'Address', 'pet' ),
				'class'          => __( 'Status', 'pet' ),
				'schema_version' => __( 'Schema version', 'pet' ),
				'mode'           => __( 'State', 'pet' ),
				'progress'       => __( 'Background work', 'pet' ),
				'result'         => __( 'Last result', 'pet' ),
				'message'        => __( 'Message', 'pet' ),
			),
			$shown,
			__( 'No sites.', 'pet' ),
			'pet-sites'
		);
		if ( $pages > 1 ) {
			echo '<div class="tablenav"><div class="tablenav-pages pet-pages">';
			echo paginate_links( // phpcs:ignore WordPress.Security.EscapeOutput -- core escapes.
				array(
					'base'    => add_query_arg( 'paged', '%#%', isset( $labels[ $filter ] ) ? add_query_arg( 'pet_class', $filter, $base ) : $base ),
					'format'  => '',
					'current' => $paged,
					'total'   => $pages,
				)
			);
			echo '</div></div>';
		}
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
		// Pending migrations, then data work for one slice's budget (the slices do the rest).
		$report   = Pet_Runner::resume_site( 'retry', null, array( 'budget_ms' => Pet_Background_Runner::budget_ms() ) );
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
		// In slices, not in this request (a thousand sites would outlast any proxy timeout).
		Pet_Network_Queue::start( 'retry' );
		wp_safe_redirect( add_query_arg( 'pet_migrate_started', 1, network_admin_url( 'settings.php?page=' . self::SLUG ) ) );
		exit;
	}
}
