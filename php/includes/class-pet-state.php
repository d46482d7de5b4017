<?php
/**
 * The engine's last known state, kept in an autoloaded option so that ordinary requests
 * read it from the options WordPress already loaded (no query of their own).
 *
 * @package PET
 */

defined( 'ABSPATH' ) || exit;

/**
 * Per-site mirror of the engine's state table. The engine's tables stay the source of
 * truth; this copy is refreshed from every report and is only ever a cache of it.
 */
class Pet_State {

	/** Option name (autoloaded). */
	const OPTION = 'pet_migrate_state';

	/**
	 * The state of the current site.
	 *
	 * @param bool $fresh Read the database, not this request's copy of the autoloaded
	 *                    options (which another request may have written since).
	 * @return array
	 */
	public static function get( $fresh = false ) {
		if ( $fresh ) {
			wp_cache_delete( 'alloptions', 'options' );
			wp_cache_delete( self::OPTION, 'options' );
		}
		$state = get_option( self::OPTION );
		return array_merge( self::defaults(), is_array( $state ) ? $state : array() );
	}

	/**
	 * The empty state: nothing is known yet.
	 *
	 * @return array
	 */
	public static function defaults() {
		return array(
			'schema_version'     => null,
			'target_version'     => null,
			'mode'               => null,
			'result'             => null,
			'result_name'        => null,
			'message'            => '',
			'error'              => null,
			'cutovers'           => array(),
			'flags'              => array(),
			'work'               => array(),
			'gates'              => null,
			'handed_off_at'      => 0,
			'recovering'         => false,
			'context'            => null,
			'attempt_key'        => null,
			'attempted_at'       => 0,
			'activation_failure' => false,
			'arriving'           => false,
			'migrating_since'    => 0,
			'mode_before'        => null,
			'mailed'             => null,
			'updated_at'         => 0,
		);
	}

	/**
	 * Brings the mirror in step with an engine report.
	 *
	 * @param array       $report      Engine report.
	 * @param string      $context     What produced it: activation, upgrade, retry, cli, status, site-init.
	 * @param string|null $attempt_key Deployment key of an automatic attempt (see Pet_Migration_Files::key()).
	 * @param bool        $arriving    Whether the report only shows files still arriving (see Pet_Migration_Files::looks_like_arriving()).
	 * @return array The new state.
	 */
	public static function record_report( array $report, $context, $attempt_key = null, $arriving = false ) {
		// Afresh: another request (a background slice, an admin page) may have recorded its
		// own run since this one loaded the options, and what it wrote (the failure it mailed)
		// must not be written back over.
		$old   = self::get( true );
		$state = $old;

		if ( Pet_Engine::LOCKED === (int) $report['result'] && 'migrating' === $state['mode'] ) {
			// Another process holds the lock, so it is migrating: the gate stays closed.
			$state['migrating_since'] = time();
		} else {
			// The run is over: the mode before it stands unless the report says otherwise.
			if ( 'migrating' === $state['mode'] && $state['migrating_since'] ) {
				$state['mode'] = $state['mode_before'];
			}
			$state['migrating_since'] = 0;
			$state['mode_before']     = null;
		}

		// A report that could not read the database (PET_CONFIG, PET_LOCKED) leaves what we knew.
		foreach ( array( 'schema_version', 'target_version', 'mode' ) as $key ) {
			if ( array_key_exists( $key, $report ) && null !== $report[ $key ] ) {
				$state[ $key ] = $report[ $key ];
			}
		}
		$state['result']      = (int) $report['result'];
		$state['result_name'] = $report['result_name'];
		$state['message']     = (string) $report['message'];
		$state['error']       = is_array( $report['error'] ) ? $report['error'] : null;
		// What the engine last read from the database: only a report that read it carries
		// flags and work (PET_CONFIG, PET_LOCKED and PET_INVALID answers never do).
		$read_database = ! in_array( (int) $report['result'], array( Pet_Engine::LOCKED, Pet_Engine::CONFIG, Pet_Engine::INVALID ), true );
		if ( $read_database && isset( $report['flags'], $report['cutovers'] ) && is_array( $report['flags'] ) && is_array( $report['cutovers'] ) ) {
			$state['cutovers'] = $report['cutovers'];
			$state['flags']    = $report['flags'];
		}
		if ( $read_database && array_key_exists( 'work', $report ) ) {
			$state['work']  = self::unfinished_work( $report['work'] );
			$state['gates'] = is_string( $report['gates'] ?? null ) ? $report['gates'] : null;
		}
		if ( Pet_Engine::LOCKED !== (int) $report['result'] ) {
			$state['handed_off_at'] = 0; // Whoever ran it, the handed-off run has happened.
			$state['recovering']    = false;
		}
		$state['context']     = $context;
		$state['arriving']    = (bool) $arriving;
		if ( null !== $attempt_key ) {
			$state['attempt_key']  = $attempt_key;
			$state['attempted_at'] = time();
		}
		self::save( $state, $old );
		return $state;
	}

	/**
	 * The unfinished items of a report's "work", with only what notices, the gate and the
	 * Retry-After need: the option stays small however long the history of finished steps.
	 *
	 * @param mixed $work The report's "work".
	 * @return array[]
	 */
	public static function unfinished_work( $work ) {
		$keep = array_flip( array( 'version', 'migration', 'step', 'op', 'source', 'target', 'status', 'paused', 'throttle', 'gates', 'rows_done', 'rows_written', 'rows_estimated', 'rows_per_second', 'eta_seconds', 'percent', 'last_error', 'updated_at' ) );
		$items = array();
		foreach ( is_array( $work ) ? $work : array() as $item ) {
			if ( is_array( $item ) && 'done' !== ( $item['status'] ?? null ) ) {
				$items[] = array_intersect_key( $item, $keep );
			}
		}
		return $items;
	}

	/**
	 * Marks a deployment found on a visitor's request as handed to a background request:
	 * PET's features close at once (mode "migrating") and the visitor does not wait.
	 *
	 * @param string|null $attempt_key Deployment key.
	 * @param bool        $recovering  Whether it is a run that never ended (see
	 *                                 Pet_Upgrade_Policy::RECOVER): only the background runs it.
	 */
	public static function mark_handed_off( $attempt_key, $recovering = false ) {
		self::mark_migrating( $attempt_key, true, $recovering );
	}

	/**
	 * Marks (or clears) a halted activation on the current site.
	 *
	 * @param bool $failed Whether the activation failed.
	 */
	public static function set_activation_failure( $failed ) {
		$old                         = self::get();
		$state                       = $old;
		$state['activation_failure'] = (bool) $failed;
		self::save( $state, $old );
	}

	/**
	 * Marks the site as migrating before the engine runs, so that every other request closes
	 * PET's features at once (the engine's own state row is written inside the run, where
	 * WordPress does not look). The mark is undone by record_report(); a run that crashed
	 * leaves it behind, and Pet_Upgrade_Policy runs the engine again once it is stale.
	 *
	 * @param string|null $attempt_key Deployment key of an automatic attempt.
	 * @param bool        $handed_off  Whether a background request is to run it.
	 * @param bool        $recovering  Whether that is a run that never ended (it stays so until
	 *                                 a run records a report).
	 */
	public static function mark_migrating( $attempt_key = null, $handed_off = false, $recovering = false ) {
		$old   = self::get();
		$state = $old;
		if ( 'migrating' !== $state['mode'] || ! $state['migrating_since'] ) {
			$state['mode_before'] = $state['mode'];
		}
		$state['mode']            = 'migrating';
		$state['migrating_since'] = time();
		if ( $handed_off ) {
			$state['recovering']    = $recovering || ( $state['handed_off_at'] && $state['recovering'] );
			$state['handed_off_at'] = time();
		}
		if ( null !== $attempt_key ) {
			$state['attempt_key']  = $attempt_key;
			$state['attempted_at'] = time();
		}
		self::save( $state, $old );
	}

	/**
	 * Records which failure the site administrator was emailed about.
	 *
	 * @param string|null $signature Failure signature (null: forget it).
	 */
	public static function set_mailed( $signature ) {
		$old             = self::get();
		$state           = $old;
		$state['mailed'] = null === $signature ? null : (string) $signature;
		self::save( $state, $old );
	}

	/**
	 * Writes the option only when something other than the timestamp changed.
	 *
	 * @param array $state New state.
	 * @param array $old   Previous state.
	 */
	private static function save( array $state, array $old ) {
		$compare_new = $state;
		$compare_old = $old;
		unset( $compare_new['updated_at'], $compare_old['updated_at'] );
		if ( $compare_new === $compare_old && false !== get_option( self::OPTION ) ) {
			return;
		}
		$state['updated_at'] = time();
		if ( false === get_option( self::OPTION ) ) {
			add_option( self::OPTION, $state, '', 'yes' );
		} else {
			update_option( self::OPTION, $state );
		}
	}
}
