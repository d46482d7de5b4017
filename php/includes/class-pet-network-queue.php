<?php
/**
 * Multisite: a network activation or network upgrade migrates the sites in slices.
 *
 * @package PET
 */

defined( 'ABSPATH' ) || exit;

/**
 * Runs the engine on every site of the network in time-budgeted slices, walking the sites by
 * ID from a cursor kept in one network option, so that the request that activated or updated
 * PET returns at once, a killed slice loses at most the site it was on (whose own engine run
 * is all-or-nothing and recovered by the next), and the next slice goes on from the cursor.
 * Slices come from WP-Cron on the main site and from a loopback that network admin pages send
 * while the walk is unfinished. A site that gets a request before the walk reaches it is
 * migrated then (Pet_Lifecycle::maybe_upgrade()), so nobody waits for the walk.
 */
class Pet_Network_Queue {

	/** Network option: {context, key, cursor, total, done, failed, started_at, updated_at, finished_at}. */
	const OPTION = 'pet_migrate_network_queue';

	/** WP-Cron event of a network slice (scheduled on the main site). */
	const HOOK = 'pet_migrate_network_slice';

	/** Sites read from the database per query. */
	const BATCH = 50;

	/**
	 * Hooks.
	 */
	public static function register() {
		add_action( self::HOOK, array( __CLASS__, 'run_slice' ) );
		add_action( 'network_admin_notices', array( __CLASS__, 'maybe_loopback' ), 1 );
	}

	/**
	 * Starts (or restarts from the first site) a walk over every site.
	 *
	 * @param string      $context What the runs record: network-activation, update, auto-update.
	 * @param string|null $key     Deployment key the runs record as attempted.
	 */
	public static function start( $context, $key = null ) {
		global $wpdb;
		$total = (int) $wpdb->get_var( "SELECT COUNT(*) FROM {$wpdb->blogs} WHERE archived = '0' AND deleted = 0" ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery
		update_site_option(
			self::OPTION,
			array(
				'context'     => (string) $context,
				'key'         => $key,
				'cursor'      => 0,
				'total'       => $total,
				'done'        => 0,
				'failed'      => 0,
				'started_at'  => time(),
				'updated_at'  => time(),
				'finished_at' => 0,
			)
		);
		self::schedule();
		self::spawn();
	}

	/**
	 * A deployment found by one site's request (git, rsync, FTP: no WordPress updater ran) is
	 * walked over every site once, so sites nobody visits are not left behind.
	 *
	 * @param string $key Deployment key.
	 */
	public static function start_for_deployment( $key ) {
		if ( ! Pet_Network::is_network_active() ) {
			return;
		}
		$queue = self::get();
		if ( null === $queue || $queue['key'] !== $key ) {
			self::start( 'upgrade', $key );
		}
	}

	/**
	 * The walk, or null when none was started.
	 *
	 * @param bool $fresh Read the database, not this request's cache of network options
	 *                    (another request may have started a new walk meanwhile).
	 * @return array|null
	 */
	public static function get( $fresh = false ) {
		$queue = Pet_Network::site_option( self::OPTION, $fresh );
		return is_array( $queue ) ? $queue : null;
	}

	/**
	 * Whether sites are still waiting for the walk.
	 *
	 * @return bool
	 */
	public static function is_running() {
		$queue = self::get();
		return null !== $queue && empty( $queue['finished_at'] );
	}

	/**
	 * One slice: sites in ID order from the cursor until the budget is spent.
	 *
	 * @return array|null|false The walk after the slice; false when another slice is running.
	 */
	public static function run_slice() {
		global $wpdb;
		$queue = self::get();
		if ( null === $queue || ! empty( $queue['finished_at'] ) ) {
			return $queue;
		}
		// One network slice at a time (WP-Cron and the loopback may both arrive); the lock is
		// the connection's, so a killed slice releases it.
		$lock = 'pet_network_slice_' . $wpdb->base_prefix;
		if ( '0' === (string) $wpdb->get_var( $wpdb->prepare( 'SELECT GET_LOCK(%s, 0)', $lock ) ) ) { // phpcs:ignore WordPress.DB.DirectDatabaseQuery
			return false;
		}
		try {
			return self::walk( $queue );
		} finally {
			$wpdb->query( $wpdb->prepare( 'SELECT RELEASE_LOCK(%s)', $lock ) ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery
		}
	}

	/**
	 * Runs the sites after the cursor until the budget is spent.
	 *
	 * @param array $queue The walk.
	 * @return array|null The walk after the slice.
	 */
	private static function walk( array $queue ) {
		global $wpdb;
		$deadline = microtime( true ) + Pet_Background_Runner::budget_ms() / 1000;
		do {
			$ids = array_map(
				'intval',
				$wpdb->get_col( // phpcs:ignore WordPress.DB.DirectDatabaseQuery
					$wpdb->prepare( "SELECT blog_id FROM {$wpdb->blogs} WHERE blog_id > %d AND archived = '0' AND deleted = 0 ORDER BY blog_id LIMIT %d", (int) $queue['cursor'], self::BATCH )
				)
			);
			foreach ( $ids as $blog_id ) {
				$report = Pet_Runner::run_site( $queue['context'], $blog_id, array( 'lock_timeout_seconds' => 0 ), $queue['key'] );
				// Read again: a new walk (another deployment) may have started meanwhile; it
				// starts from the first site, and this slice leaves it to its own slices.
				$walk  = array( $queue['started_at'], $queue['key'] );
				$queue = self::get( true );
				if ( null === $queue || array( $queue['started_at'], $queue['key'] ) !== $walk || $blog_id <= (int) $queue['cursor'] ) {
					return $queue;
				}
				$queue['cursor'] = $blog_id;
				++$queue['done'];
				if ( ! Pet_Engine::is_success( $report['result'] ) && Pet_Engine::LOCKED !== $report['result'] ) {
					++$queue['failed'];
				}
				$queue['updated_at'] = time();
				update_site_option( self::OPTION, $queue );
				if ( microtime( true ) >= $deadline ) {
					break 2;
				}
			}
			if ( count( $ids ) < self::BATCH ) {
				$queue['finished_at'] = time();
				update_site_option( self::OPTION, $queue );
				Pet_Network_Status::refresh();
				return $queue;
			}
		} while ( microtime( true ) < $deadline );
		self::schedule();
		return $queue;
	}

	/**
	 * Schedules the next network slice on the main site (unless one is scheduled).
	 */
	public static function schedule() {
		$switch = get_current_blog_id() !== get_main_site_id();
		if ( $switch ) {
			switch_to_blog( get_main_site_id() );
		}
		if ( false === wp_next_scheduled( self::HOOK ) ) {
			wp_schedule_single_event( time(), self::HOOK );
		}
		if ( $switch ) {
			restore_current_blog();
		}
	}

	/**
	 * Sends the main site's loopback request (which runs a network slice too).
	 */
	private static function spawn() {
		$switch = get_current_blog_id() !== get_main_site_id();
		if ( $switch ) {
			switch_to_blog( get_main_site_id() );
		}
		Pet_Background_Runner::spawn();
		if ( $switch ) {
			restore_current_blog();
		}
	}

	/**
	 * Network admin pages keep an unfinished walk moving (at most one loopback a minute).
	 */
	public static function maybe_loopback() {
		$queue = self::get();
		if ( null === $queue || ! empty( $queue['finished_at'] ) ) {
			return;
		}
		/** This filter is documented in includes/class-pet-background-runner.php */
		if ( time() - (int) get_site_transient( 'pet_migrate_network_loopback' ) < (int) apply_filters( 'pet_migrate_loopback_seconds', Pet_Background_Runner::LOOPBACK_SECONDS ) ) {
			return;
		}
		set_site_transient( 'pet_migrate_network_loopback', time(), HOUR_IN_SECONDS );
		self::schedule();
		self::spawn();
	}
}
