<?php
/**
 * Drives the engine's background work in time-budgeted slices: from WP-Cron, from loopback
 * requests (chained while the work moves, restarted by any request when no slice has run for
 * a while), and for a deployment a visitor's request found (which hands it over instead of
 * running it).
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

	/** A request restarts the slices (a loopback) when none ran or was sent for this long, in seconds. */
	const LOOPBACK_SECONDS = 15;

	/** Longest wait to connect a loopback, in seconds (a local server answers in well under 1 ms). */
	const CONNECT_SECONDS = 0.25;

	/** After a loopback could not connect, no request tries again for this long, in seconds. */
	const BROKEN_LOOPBACK_SECONDS = 600;

	/** Work pending and no slice for this long: slices have stopped arriving. */
	const STALL_SECONDS = 600;

	/** Seconds after which a slice that never recorded its end is taken for killed. */
	const KILL_GRACE_SECONDS = 5;

	/** Slices that end cleanly before a budget cap learnt from a killed slice is lifted. */
	const CAP_RESET_SLICES = 50;

	/**
	 * Slices killed one after the other before the background backs off: what is left cannot
	 * finish within the server's limit for a request (a schema migration cannot be cut into
	 * slices; a data step's slices cannot be cut below MIN_BUDGET_MS), and every attempt that
	 * is killed is undone by the next one.
	 */
	const KILLS_BEFORE_BACKOFF = 3;

	/** While backing off, the next attempt comes this long after the last one, in seconds. */
	const BACKOFF_SECONDS = 600;

	/**
	 * Hooks.
	 */
	public static function register() {
		add_action( self::HOOK, array( __CLASS__, 'run_scheduled_slice' ) );
		add_action( 'wp_ajax_' . self::AJAX_ACTION, array( __CLASS__, 'handle_loopback' ) );
		add_action( 'wp_ajax_nopriv_' . self::AJAX_ACTION, array( __CLASS__, 'handle_loopback' ) );
		add_action( 'pet_migrate_pending_work', array( __CLASS__, 'on_pending_work' ), 10, 1 );
		add_action( 'pet_migrate_after_run', array( __CLASS__, 'on_after_run' ), 10, 1 );
		add_action( 'init', array( __CLASS__, 'maybe_loopback' ), 20 );
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
	 * @param bool   $recovering  Whether it is a run that never ended (see Pet_Upgrade_Policy::RECOVER).
	 */
	public static function hand_off( $attempt_key, $recovering = false ) {
		Pet_State::mark_handed_off( $attempt_key, $recovering );
		self::schedule();
		$runner                = self::runner();
		$runner['loopback_at'] = time();
		self::save( $runner );
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
		return 'background' === $state['mode'] && self::has_runnable_item( $state['work'], true );
	}

	/**
	 * Whether a "work" list has an item a slice can run: not done, not failed, not paused by
	 * an operator (and, unless $throttled counts, not held by the load checks either).
	 *
	 * @param mixed $work      A report's or the state's "work".
	 * @param bool  $throttled Whether an item the load checks hold counts as runnable.
	 * @return bool
	 */
	private static function has_runnable_item( $work, $throttled ) {
		foreach ( (array) $work as $item ) {
			if ( is_array( $item ) && ! in_array( $item['status'] ?? null, array( 'done', 'failed' ), true )
				&& empty( $item['paused'] ) && ( $throttled || empty( $item['throttle'] ) ) ) {
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
		if ( self::has_runnable_item( $report['work'] ?? array(), true ) ) {
			self::schedule();
		}
	}

	/**
	 * pet_migrate_after_run: once nothing is left, no slice stays scheduled, and slices the
	 * server killed before (WP-CLI may have finished their work) no longer slow the next work.
	 *
	 * @param array $report Engine report.
	 */
	public static function on_after_run( $report ) {
		if ( Pet_Engine::OK !== (int) $report['result'] ) {
			return;
		}
		if ( false !== wp_next_scheduled( self::HOOK ) ) {
			wp_clear_scheduled_hook( self::HOOK );
		}
		$runner = self::runner();
		if ( $runner['kills_in_a_row'] > 0 ) {
			$runner['kills_in_a_row'] = 0;
			self::save( $runner );
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
	 * @return array|null Engine report, or null when the slice did not start (memory short,
	 *                    or nothing left to do).
	 */
	public static function run_slice( $origin = 'cron' ) {
		if ( self::memory_short() ) {
			self::schedule( 60 );
			return null;
		}
		// Read afresh (this reloads the runner's option too): the request may have loaded the
		// options a while ago, and meanwhile an admin page or WP-CLI may have run the handed-off
		// deployment. Running it again would retry a migration that failed there, and mail
		// the administrator twice.
		if ( ! self::has_work( Pet_State::get( true ) ) ) {
			return null;
		}
		$runner    = self::runner();
		$now       = microtime( true );
		$in_flight = self::slice_in_flight( $runner, $now );
		if ( $runner['started_at'] > $runner['ended_at'] && ! $in_flight ) {
			// The previous slice started and never ended: the server killed it (a request
			// timeout shorter than PHP's) or it died. Ask less of the next ones.
			$runner['cap_ms']       = max( self::MIN_BUDGET_MS, (int) ( $runner['budget_ms'] / 2 ) );
			$runner['clean_slices'] = 0;
			++$runner['killed'];
			++$runner['kills_in_a_row'];
			if ( ! empty( Pet_State::get()['handed_off_at'] ) ) {
				// It may have been running the handed-off deployment: from now on only the
				// background tries it, never an admin page the same limit would kill.
				Pet_State::mark_handed_off( null, true );
			}
		}
		$budget = self::budget_ms( $runner['cap_ms'] );
		if ( ! $in_flight ) {
			// (A slice that finds another in flight is almost surely turned away by the
			// engine's claim: it leaves the record of the running one alone.)
			$runner['started_at'] = $now;
			$runner['budget_ms']  = $budget;
			self::save( $runner );
			// A watchdog: WP-Cron removed this slice's event before running it, so if the
			// server kills this request, this event runs the work again (with less budget),
			// or, after kills in a row, once the back-off is over.
			self::reschedule( self::backing_off( $runner ) ? self::BACKOFF_SECONDS : (int) ceil( $budget / 1000 ) + self::KILL_GRACE_SECONDS + 1 );
		}

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

		$runner = self::runner();
		if ( ! $in_flight ) {
			$runner['ended_at'] = microtime( true );
			if ( Pet_Engine::LOCKED !== $report['result'] ) {
				$runner['kills_in_a_row'] = 0; // (A slice turned away by the claim did no work.)
			}
			// A cap learnt from a kill is tried without again after a long clean run: one
			// lost chunk now and then rather than small slices forever after a one-off crash.
			if ( $runner['cap_ms'] > 0 && ++$runner['clean_slices'] >= self::CAP_RESET_SLICES ) {
				$runner['cap_ms']       = 0;
				$runner['clean_slices'] = 0;
			}
		}
		++$runner['slices'];
		$runner['origins'][ $origin ] = (int) ( $runner['origins'][ $origin ] ?? 0 ) + 1;
		$runner['last_result']        = (int) $report['result'];
		self::save( $runner );
		if ( Pet_Engine::LOCKED === $report['result'] ) {
			// Another slice (or an operator's run) holds the claim; look again later in
			// case that process dies without scheduling anything.
			self::reschedule( 30 );
		} elseif ( self::moving( $report ) ) {
			self::reschedule( 0 );
		} elseif ( self::has_work( Pet_State::get() ) ) {
			self::reschedule( 30 ); // Held by the load checks: look again in a while.
		} else {
			wp_clear_scheduled_hook( self::HOOK ); // Done, paused, failed or stopped.
		}
		return $report;
	}

	/**
	 * Whether a slice started and has not ended yet, within its budget and a grace period;
	 * one that started longer ago and never ended was killed.
	 *
	 * @param array $runner Runner record.
	 * @param float $now    Current time.
	 * @return bool
	 */
	private static function slice_in_flight( array $runner, $now ) {
		return $runner['started_at'] > $runner['ended_at']
			&& $now - $runner['started_at'] <= $runner['budget_ms'] / 1000 + self::KILL_GRACE_SECONDS;
	}

	/**
	 * Whether the last slices were all killed (see KILLS_BEFORE_BACKOFF): then only one
	 * attempt per BACKOFF_SECONDS is made, and the administrator is told (stall()).
	 *
	 * @param array $runner Runner record.
	 * @return bool
	 */
	private static function backing_off( array $runner ) {
		return $runner['kills_in_a_row'] >= self::KILLS_BEFORE_BACKOFF;
	}

	/**
	 * Moves the site's next slice to a new time (or schedules one).
	 *
	 * @param int $delay Seconds from now.
	 */
	private static function reschedule( $delay ) {
		wp_clear_scheduled_hook( self::HOOK );
		wp_schedule_single_event( time() + max( 0, (int) $delay ), self::HOOK );
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
	 * init: while work is pending and no slice is running, any request (a visitor's or an
	 * admin page) restarts the slices with a loopback once none ran or was sent for
	 * LOOPBACK_SECONDS: the work moves where WP-Cron is disabled, where its own spawns do not
	 * arrive, or after a slice the server killed, without a visitor ever waiting for it. Costs
	 * no query (both options are autoloaded) and one option write when it sends.
	 */
	public static function maybe_loopback() {
		if ( wp_doing_ajax() || wp_doing_cron() || wp_installing() || ( defined( 'WP_CLI' ) && WP_CLI ) ) {
			return;
		}
		if ( ! self::has_work( Pet_State::get() ) ) {
			return;
		}
		$runner = self::runner();
		$now    = microtime( true );
		if ( self::slice_in_flight( $runner, $now ) ) {
			return; // A slice is running; it schedules the next one itself.
		}
		if ( self::backing_off( $runner ) && $now - $runner['started_at'] < self::BACKOFF_SECONDS ) {
			return; // The server kills every slice: WP-Cron tries again after the back-off.
		}
		/** Filters how long no slice may run or be sent before a request sends a loopback, in seconds. */
		$pause = (int) apply_filters( 'pet_migrate_loopback_seconds', self::LOOPBACK_SECONDS );
		if ( $now - max( (float) $runner['ended_at'], (float) $runner['loopback_at'] ) < $pause ) {
			return;
		}
		$runner['loopback_at'] = time();
		self::save( $runner );
		self::spawn();
	}

	/**
	 * Loopback connections of this request, kept open until it ends (see spawn()).
	 *
	 * @var resource[]
	 */
	private static $loopbacks = array();

	/**
	 * Sends the loopback request without waiting for its answer, unless the filter
	 * pet_migrate_loopback turns loopbacks off (a host that blocks them; then WP-Cron alone
	 * runs the slices).
	 *
	 * Not wp_remote_post( …, blocking false ): that closes the connection as soon as the
	 * request is written, and nginx (fastcgi_ignore_client_abort off, its default) drops a
	 * request whose client is gone before it reached PHP — found by the server tests, where
	 * such loopbacks (and WordPress's own WP-Cron spawns, without the curl extension) never
	 * arrived. The connection stays open until this request ends instead, by which time the
	 * web server has handed the loopback to PHP; nothing here waits for it, unless asked to
	 * (a background request about to end waits for the first byte of the answer, which the
	 * next loopback sends as soon as it starts: see handle_loopback()).
	 *
	 * @param bool $wait_for_answer Whether to wait (at most 2 s) until the loopback has started.
	 */
	public static function spawn( $wait_for_answer = false ) {
		/** Filters whether PET sends loopback requests to run background slices. */
		if ( ! apply_filters( 'pet_migrate_loopback', true ) ) {
			return;
		}
		$url   = wp_parse_url( admin_url( 'admin-ajax.php' ) );
		$https = 'https' === ( $url['scheme'] ?? 'http' );
		/** This filter is documented in wp-includes/class-wp-http-streams.php */
		$verify  = (bool) apply_filters( 'https_local_ssl_verify', false );
		$context = stream_context_create(
			array(
				'ssl' => array(
					'verify_peer'      => $verify,
					'verify_peer_name' => $verify,
				),
			)
		);
		$target  = ( $https ? 'ssl://' : 'tcp://' ) . $url['host'] . ':' . ( $url['port'] ?? ( $https ? 443 : 80 ) );
		$socket  = @stream_socket_client( $target, $errno, $errstr, self::CONNECT_SECONDS, STREAM_CLIENT_CONNECT, $context ); // phpcs:ignore WordPress.PHP.NoSilencedErrors -- reported through the runner's option.
		if ( ! $socket ) {
			// The site cannot reach itself (a firewall, a proxy): WP-Cron carries the work, and
			// no request tries again for a while, so none pays the connect timeout each time.
			$runner                   = self::runner();
			$runner['loopback_error'] = sprintf( '%s (%d)', $errstr, $errno );
			$runner['loopback_at']    = time() + self::BROKEN_LOOPBACK_SECONDS;
			self::save( $runner );
			return;
		}
		$runner = self::runner();
		if ( null !== $runner['loopback_error'] ) {
			$runner['loopback_error'] = null; // It connects again.
			self::save( $runner );
		}
		$body = http_build_query(
			array(
				'action' => self::AJAX_ACTION,
				'token'  => $runner['token'],
			)
		);
		$host = $url['host'] . ( isset( $url['port'] ) ? ':' . $url['port'] : '' );
		fwrite( // phpcs:ignore WordPress.WP.AlternativeFunctions -- a raw socket, see above.
			$socket,
			'POST ' . ( $url['path'] ?? '/' ) . " HTTP/1.1\r\nHost: " . $host . "\r\nContent-Type: application/x-www-form-urlencoded\r\n"
			. 'Content-Length: ' . strlen( $body ) . "\r\nConnection: close\r\nUser-Agent: PET Migrate loopback\r\n\r\n" . $body
		);
		if ( $wait_for_answer ) {
			stream_set_timeout( $socket, 2 );
			fread( $socket, 1 ); // phpcs:ignore WordPress.WP.AlternativeFunctions -- see above.
			fclose( $socket ); // phpcs:ignore WordPress.WP.AlternativeFunctions -- see above.
			return;
		}
		self::$loopbacks[] = $socket;
	}

	/**
	 * Whether this is PET's own loopback request (it carries the site's secret token, so a
	 * stranger cannot make the site run slices on demand).
	 *
	 * @return bool
	 */
	public static function is_loopback_request() {
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
		self::answer_now();
		if ( is_multisite() && is_main_site() && Pet_Network_Queue::is_running() ) {
			// One budget per request: the network's walk first, this site's work next time.
			// A slice already walking (WP-Cron's) chains its own next one.
			$next = false !== Pet_Network_Queue::run_slice() && ( Pet_Network_Queue::is_running() || self::has_work( Pet_State::get() ) );
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
			self::spawn( true );
		}
		wp_die( '', '', array( 'response' => 200 ) );
	}

	/**
	 * Ends the loopback's HTTP answer before the slice runs: whoever sent it (a request that
	 * waits for the first byte) goes on at once. Under PHP-FPM, as wp-cron.php does it, a
	 * finished request is also not killed by request_terminate_timeout (unless the pool sets
	 * request_terminate_timeout_track_finished; then a killed slice halves the next ones).
	 */
	private static function answer_now() {
		if ( function_exists( 'fastcgi_finish_request' ) ) {
			fastcgi_finish_request();
			return;
		}
		if ( function_exists( 'litespeed_finish_request' ) ) {
			litespeed_finish_request();
			return;
		}
		if ( ! headers_sent() ) {
			header( 'Content-Length: 1' );
			header( 'Connection: close' );
		}
		echo ' ';
		while ( ob_get_level() > 0 ) {
			ob_end_flush();
		}
		flush();
	}

	/**
	 * Whether a slice's report leaves work that the next slice can move now: pending, not
	 * all paused, failed or held back by the load checks (those wait for WP-Cron or the next
	 * request's restart instead of a chain of requests that would find the server still busy).
	 *
	 * @param array $report Engine report.
	 * @return bool
	 */
	private static function moving( array $report ) {
		return Pet_Engine::PENDING === $report['result'] && self::has_runnable_item( $report['work'], false );
	}

	/**
	 * Why the work is not moving, or null: the server killed the last slices one after the
	 * other, WP-Cron is disabled and no slice came lately, or slices stopped arriving. Costs no
	 * query (the options are autoloaded).
	 *
	 * @param array|null $state State (default: the current site's).
	 * @return array|null {reason: killed|cron_disabled|no_slices, last_slice_at: int,
	 *                    loopback_error: string|null, kills_in_a_row: int}
	 */
	public static function stall( $state = null ) {
		$state = null === $state ? Pet_State::get() : $state;
		if ( ! self::has_work( $state ) ) {
			return null;
		}
		$runner = self::runner();
		$last   = (int) max( $runner['ended_at'], $runner['started_at'] );
		if ( self::backing_off( $runner ) ) {
			$reason = 'killed'; // Slices arrive, and the server kills each one.
		} else {
			$since  = max( $last, (int) $state['updated_at'], (int) $state['handed_off_at'] );
			/** Filters how long pending work may go without a slice before the administrator is told. */
			$window = (int) apply_filters( 'pet_migrate_stall_seconds', self::STALL_SECONDS );
			if ( time() - $since < $window ) {
				return null;
			}
			$reason = defined( 'DISABLE_WP_CRON' ) && DISABLE_WP_CRON ? 'cron_disabled' : 'no_slices';
		}
		return array(
			'reason'         => $reason,
			'last_slice_at'  => $last,
			'loopback_error' => $runner['loopback_error'],
			'kills_in_a_row' => (int) $runner['kills_in_a_row'],
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
				'token'          => '',
				'started_at'     => 0.0,
				'ended_at'       => 0.0,
				'budget_ms'      => 0,
				'cap_ms'         => 0,
				'clean_slices'   => 0,
				'slices'         => 0,
				'origins'        => array(),
				'killed'         => 0,
				'kills_in_a_row' => 0,
				'last_result'    => null,
				'loopback_at'    => 0,
				'loopback_error' => null,
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
