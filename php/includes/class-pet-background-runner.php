<?php
/**
 * Drives the engine's background work in time-budgeted slices: from WP-Cron, from a
 * loopback request that admin pages send while work is pending, and for a deployment a
 * visitor's request found (which hands it over instead of running it).
 *
 * @package PET
 */

defined( 'ABSPATH' ) || exit;

/**
 * WordPress has no daemon, so each slice is one request: it calls pet_migrate_resume with a
 * budget that fits the request's time limit and schedules the next slice itself while work
 * remains. The engine's runner claim keeps it to one slice at a time per site (a second one
 * gets PET_LOCKED at once and leaves), so WP-Cron and the loopback may both arrive.
 *
 * Bookkeeping is one small option per site (pet_migrate_runner) that is overwritten, never
 * appended to: nothing here grows with the number of slices.
 */
class Pet_Background_Runner {

	/** The WP-Cron event of a slice (a single event, scheduled again by the slice itself). */
	const HOOK = 'pet_migrate_slice';

	/** admin-ajax action of the loopback request. */
	const AJAX_ACTION = 'pet_migrate_slice';

	/** Per-site option: the runner's figures and the loopback's secret. */
	const OPTION = 'pet_migrate_runner';

	/** Default upper bound of one slice, in seconds (filter pet_migrate_slice_seconds). */
	const SLICE_SECONDS = 10;

	/** Share of max_execution_time a slice may use: WordPress itself needs the rest. */
	const TIME_LIMIT_SHARE = 0.5;

	/** A slice never gets less than this, in milliseconds (the engine does one chunk anyway). */
	const MIN_BUDGET_MS = 1000;

	/** Share of memory_limit above which a slice does not start. */
	const MEMORY_SHARE = 0.8;

	/** Admin requests send at most one loopback this often, in seconds. */
	const LOOPBACK_SECONDS = 60;

	/** Work pending and no slice for this long: slices have stopped arriving. */
	const STALL_SECONDS = 600;

	/** Seconds after which a slice that never recorded its end is taken for killed. */
	const KILL_GRACE_SECONDS = 5;

	/**
	 * Hooks.
	 */
	public static function register() {
		add_action( self::HOOK, array( __CLASS__, 'run_scheduled_slice' ) );
		add_action( 'wp_ajax_' . self::AJAX_ACTION, array( __CLASS__, 'handle_loopback' ) );
		add_action( 'wp_ajax_nopriv_' . self::AJAX_ACTION, array( __CLASS__, 'handle_loopback' ) );
		add_action( 'pet_migrate_pending_work', array( __CLASS__, 'on_pending_work' ), 10, 1 );
		add_action( 'pet_migrate_after_run', array( __CLASS__, 'on_after_run' ), 10, 1 );
		add_action( 'admin_init', array( __CLASS__, 'maybe_loopback' ) );
	}

	/**
	 * Whether this request may run migrations itself: a logged-in admin page, WP-Cron, WP-CLI
	 * or PET's own loopback. A visitor's request (front end, REST, admin-ajax of a theme)
	 * never does: it would make that visitor wait, and a server's request timeout would kill
	 * the run half-way.
	 *
	 * @return bool
	 */
	public static function request_may_run_inline() {
		if ( ( defined( 'WP_CLI' ) && WP_CLI ) || wp_doing_cron() ) {
			return true;
		}
		if ( wp_doing_ajax() ) {
			return self::is_loopback_request();
		}
		return is_admin() && is_user_logged_in();
	}

	/**
	 * Hands a deployment found on a visitor's request to a background request: PET's
	 * features close at once (the state says "migrating"), a slice is scheduled and a
	 * loopback request is sent without waiting for it.
	 *
	 * @param string $attempt_key Deployment key.
	 */
	public static function hand_off( $attempt_key ) {
		Pet_State::mark_handed_off( $attempt_key );
		self::schedule();
		self::spawn();
	}

	/**
	 * Whether the site has something for a slice to do: a handed-off deployment, or data
	 * work that is neither finished nor held by an operator.
	 *
	 * @param array $state State (see Pet_State::defaults()).
	 * @return bool
	 */
	public static function has_work( array $state ) {
		if ( ! empty( $state['handed_off_at'] ) ) {
			return true;
		}
		if ( 'background' !== $state['mode'] ) {
			return false;
		}
		foreach ( (array) $state['work'] as $item ) {
			if ( empty( $item['paused'] ) && 'failed' !== ( $item['status'] ?? null ) ) {
				return true;
			}
		}
		return false;
	}

	/**
	 * pet_migrate_pending_work: a run left work; make sure a slice is coming (unless every
	 * item is paused by an operator, which only an operator undoes).
	 *
	 * @param array $report Engine report.
	 */
	public static function on_pending_work( $report ) {
		foreach ( (array) ( $report['work'] ?? array() ) as $item ) {
			if ( is_array( $item ) && 'done' !== ( $item['status'] ?? null ) && empty( $item['paused'] ) ) {
				self::schedule();
				return;
			}
		}
	}

	/**
	 * pet_migrate_after_run: once nothing is left, no slice stays scheduled.
	 *
	 * @param array $report Engine report.
	 */
	public static function on_after_run( $report ) {
		if ( Pet_Engine::OK === (int) $report['result'] && false !== wp_next_scheduled( self::HOOK ) ) {
			wp_clear_scheduled_hook( self::HOOK );
		}
	}

	/**
	 * Schedules the next slice on the current site unless one is scheduled already.
	 *
	 * @param int $delay Seconds from now.
	 */
	public static function schedule( $delay = 0 ) {
		if ( false === wp_next_scheduled( self::HOOK ) ) {
			wp_schedule_single_event( time() + max( 0, (int) $delay ), self::HOOK );
		}
	}

	/**
	 * The WP-Cron event.
	 */
	public static function run_scheduled_slice() {
		self::run_slice( 'cron' );
	}

	/**
	 * One slice: the handed-off deployment first (if any), then background work until the
	 * budget is spent. Records its start and end so that a slice killed by the server (it
	 * never records an end) halves the next slices' budget.
	 *
	 * @param string $origin What sent it: cron, loopback (counted in the runner's option).
	 * @return array|null Engine report, or null when the slice did not start (memory short).
	 */
	public static function run_slice( $origin = 'cron' ) {
		if ( self::memory_short() ) {
			self::schedule( 60 );
			return null;
		}
		$runner = self::runner();
		$now    = microtime( true );
		if ( $runner['started_at'] > $runner['ended_at'] && $now - $runner['started_at'] > $runner['budget_ms'] / 1000 + self::KILL_GRACE_SECONDS ) {
			// The previous slice started and never ended: the server killed it (a request
			// timeout shorter than PHP's) or it died. Ask less of the next ones.
			$runner['cap_ms'] = max( self::MIN_BUDGET_MS, (int) ( $runner['budget_ms'] / 2 ) );
			++$runner['killed'];
		}
		$budget               = self::budget_ms( $runner['cap_ms'] );
		$runner['started_at'] = $now;
		$runner['budget_ms']  = $budget;
		self::save( $runner );

		$deadline = $now + $budget / 1000;
		$state    = Pet_State::get();
		$report   = null;
		if ( ! empty( $state['handed_off_at'] ) ) {
			$report = Pet_Runner::run_site( 'upgrade', null, array( 'lock_timeout_seconds' => 0 ), $state['attempt_key'] );
		}
		$remaining = (int) ( ( $deadline - microtime( true ) ) * 1000 );
		if ( null === $report || ( Pet_Engine::PENDING === $report['result'] && $remaining >= self::MIN_BUDGET_MS ) ) {
			$report = Pet_Runner::resume_site(
				'background',
				null,
				array(
					'budget_ms'      => max( self::MIN_BUDGET_MS, $remaining ),
					'report_applied' => false,
				)
			);
		}

		$runner             = self::runner();
		$runner['ended_at'] = microtime( true );
		++$runner['slices'];
		$runner['origins'][ $origin ] = (int) ( $runner['origins'][ $origin ] ?? 0 ) + 1;
		$runner['last_result']        = (int) $report['result'];
		self::save( $runner );
		if ( Pet_Engine::LOCKED === $report['result'] ) {
			// Another slice (or an operator's run) holds the claim; look again later in
			// case that process dies without scheduling anything.
			self::schedule( 30 );
		}
		return $report;
	}

	/**
	 * The budget of the next slice, in milliseconds: the smallest of the configured bound
	 * (filter pet_migrate_slice_seconds, constant PET_MIGRATE_SLICE_SECONDS), a safe share of
	 * max_execution_time minus what this request has used, and the cap learnt from killed
	 * slices.
	 *
	 * @param int $cap_ms Cap from killed slices (0: none).
	 * @return int
	 */
	public static function budget_ms( $cap_ms = 0 ) {
		$bound = defined( 'PET_MIGRATE_SLICE_SECONDS' ) ? (float) PET_MIGRATE_SLICE_SECONDS : (float) self::SLICE_SECONDS;
		/** Filters the longest a background slice may run, in seconds. */
		$seconds = (float) apply_filters( 'pet_migrate_slice_seconds', $bound );
		$limit   = (int) ini_get( 'max_execution_time' );
		if ( $limit > 0 ) {
			$used    = isset( $_SERVER['REQUEST_TIME_FLOAT'] ) ? microtime( true ) - (float) $_SERVER['REQUEST_TIME_FLOAT'] : 0.0;
			$seconds = min( $seconds, $limit * self::TIME_LIMIT_SHARE - $used );
		}
		$ms = (int) ( $seconds * 1000 );
		if ( $cap_ms > 0 ) {
			$ms = min( $ms, (int) $cap_ms );
		}
		return max( self::MIN_BUDGET_MS, $ms );
	}

	/**
	 * Whether memory is too short to start a slice (a report of many work items is decoded
	 * into PHP arrays).
	 *
	 * @return bool
	 */
	private static function memory_short() {
		$limit = wp_convert_hr_to_bytes( (string) ini_get( 'memory_limit' ) );
		return $limit > 0 && memory_get_usage( true ) > $limit * self::MEMORY_SHARE;
	}

	/**
	 * admin_init: while work is pending, send a loopback request at most once a minute, so
	 * the work moves even where WP-Cron is disabled or the site has no visitors.
	 */
	public static function maybe_loopback() {
		if ( wp_doing_ajax() || wp_doing_cron() || ( defined( 'WP_CLI' ) && WP_CLI ) ) {
			return;
		}
		if ( ! self::has_work( Pet_State::get() ) ) {
			return;
		}
		$runner = self::runner();
		/** Filters the shortest pause between two loopback requests, in seconds. */
		if ( time() - $runner['loopback_at'] < (int) apply_filters( 'pet_migrate_loopback_seconds', self::LOOPBACK_SECONDS ) ) {
			return;
		}
		$runner['loopback_at'] = time();
		self::save( $runner );
		self::spawn();
	}

	/**
	 * Sends the loopback request without waiting for it (as WordPress spawns WP-Cron), unless
	 * the filter pet_migrate_loopback turns loopbacks off (a host that blocks them; then
	 * WP-Cron alone runs the slices).
	 */
	public static function spawn() {
		/** Filters whether PET sends loopback requests to run background slices. */
		if ( ! apply_filters( 'pet_migrate_loopback', true ) ) {
			return;
		}
		wp_remote_post(
			admin_url( 'admin-ajax.php' ),
			array(
				'timeout'   => 0.01,
				'blocking'  => false,
				/** This filter is documented in wp-includes/class-wp-http-streams.php */
				'sslverify' => apply_filters( 'https_local_ssl_verify', false ),
				'body'      => array(
					'action' => self::AJAX_ACTION,
					'token'  => self::runner()['token'],
				),
			)
		);
	}

	/**
	 * Whether this is PET's own loopback request (it carries the site's secret token, so a
	 * stranger cannot make the site run slices on demand).
	 *
	 * @return bool
	 */
	private static function is_loopback_request() {
		// phpcs:disable WordPress.Security.NonceVerification -- the token is the check.
		if ( ! isset( $_POST['action'], $_POST['token'] ) || self::AJAX_ACTION !== $_POST['action'] ) {
			return false;
		}
		return hash_equals( self::runner()['token'], (string) wp_unslash( $_POST['token'] ) );
		// phpcs:enable
	}

	/**
	 * The loopback request: one slice, then an empty answer nobody waits for.
	 */
	public static function handle_loopback() {
		if ( ! self::is_loopback_request() ) {
			wp_die( '', '', array( 'response' => 403 ) );
		}
		ignore_user_abort( true );
		if ( is_multisite() && is_main_site() && Pet_Network_Queue::is_running() ) {
			// One budget per request: the network's walk first, this site's work next time.
			Pet_Network_Queue::run_slice();
			$next = Pet_Network_Queue::is_running() || self::has_work( Pet_State::get() );
		} elseif ( self::has_work( Pet_State::get() ) ) {
			$report = self::run_slice( 'loopback' );
			$next   = null !== $report && self::moving( $report );
		} else {
			$next = false;
		}
		if ( $next ) {
			// The next slice at once, one request after the other: the work keeps moving where
			// WP-Cron is off or the site has no visitors. A link that dies breaks the chain;
			// WP-Cron or the next admin page starts it again.
			self::spawn();
		}
		wp_die( '', '', array( 'response' => 200 ) );
	}

	/**
	 * Whether a slice's report leaves work that the next slice can move now: pending, not
	 * all paused, failed or held back by the load checks (those wait for WP-Cron or an admin
	 * page instead of a chain of requests that would find the server still busy).
	 *
	 * @param array $report Engine report.
	 * @return bool
	 */
	private static function moving( array $report ) {
		if ( Pet_Engine::PENDING !== $report['result'] ) {
			return false;
		}
		foreach ( (array) $report['work'] as $item ) {
			if ( 'done' !== ( $item['status'] ?? null ) && 'failed' !== ( $item['status'] ?? null ) && empty( $item['paused'] ) && empty( $item['throttle'] ) ) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Why the work is not moving, or null: WP-Cron is disabled and no slice came lately, or
	 * slices stopped arriving. Costs no query (the options are autoloaded).
	 *
	 * @param array|null $state State (default: the current site's).
	 * @return array|null {reason: cron_disabled|no_slices, last_slice_at: int}
	 */
	public static function stall( $state = null ) {
		$state = null === $state ? Pet_State::get() : $state;
		if ( ! self::has_work( $state ) ) {
			return null;
		}
		$runner = self::runner();
		$last   = (int) max( $runner['ended_at'], $runner['started_at'] );
		$since  = max( $last, (int) $state['updated_at'], (int) $state['handed_off_at'] );
		/** Filters how long pending work may go without a slice before the administrator is told. */
		$window = (int) apply_filters( 'pet_migrate_stall_seconds', self::STALL_SECONDS );
		if ( time() - $since < $window ) {
			return null;
		}
		return array(
			'reason'        => defined( 'DISABLE_WP_CRON' ) && DISABLE_WP_CRON ? 'cron_disabled' : 'no_slices',
			'last_slice_at' => $last,
		);
	}

	/**
	 * The runner's option, with defaults (and the loopback token, created once).
	 *
	 * @return array
	 */
	public static function runner() {
		$runner = get_option( self::OPTION );
		$runner = array_merge(
			array(
				'token'       => '',
				'started_at'  => 0.0,
				'ended_at'    => 0.0,
				'budget_ms'   => 0,
				'cap_ms'      => 0,
				'slices'      => 0,
				'origins'     => array(),
				'killed'      => 0,
				'last_result' => null,
				'loopback_at' => 0,
			),
			is_array( $runner ) ? $runner : array()
		);
		if ( '' === $runner['token'] ) {
			$runner['token'] = wp_generate_password( 32, false );
			self::save( $runner );
		}
		return $runner;
	}

	/**
	 * Writes the runner's option.
	 *
	 * @param array $runner Runner figures.
	 */
	private static function save( array $runner ) {
		if ( false === get_option( self::OPTION ) ) {
			add_option( self::OPTION, $runner, '', 'yes' );
		} else {
			update_option( self::OPTION, $runner );
		}
	}
}
