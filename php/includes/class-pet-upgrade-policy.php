<?php
/**
 * When an ordinary request runs the engine.
 *
 * @package PET
 */

defined( 'ABSPATH' ) || exit;

/**
 * Decides, from the state mirror and the engine's listing of the migrations directory,
 * whether this request runs the engine. No side effects and no WordPress calls, so it is
 * unit-tested on its own (tests/phpunit).
 */
class Pet_Upgrade_Policy {

	/** Run the engine now. */
	const RUN = 'run';
	/** Nothing to do. */
	const NONE = 'none';
	/** Files changed a moment ago: wait until the deployment has finished writing them. */
	const SETTLING = 'settling';
	/** The same code was tried already: wait for a new deployment, an operator, or the pause. */
	const WAIT = 'wait';
	/**
	 * A run started and never ended (its mark outlived any real run): the request running it
	 * was most likely killed by the web server's own time limit, which PHP cannot see (FPM's
	 * request_terminate_timeout). Run it again, but only where that limit does not reach:
	 * a background slice, which answers its request before it works.
	 */
	const RECOVER = 'recover';

	/** Seconds after which a "migrating" mark without a result is taken for a crashed run. */
	const STALE_MIGRATING_SECONDS = 120;

	/**
	 * Seconds a hand-off is left to the background before an admin page runs it itself: a
	 * background request takes it within moments, and two runs of one deployment would run a
	 * failing migration twice.
	 */
	const HANDOFF_GRACE_SECONDS = 10;

	/**
	 * The decision.
	 *
	 * @param array  $state   State mirror (see Pet_State::defaults()).
	 * @param array  $listing The engine's listing (see Pet_Migration_Files::listing()).
	 * @param string $key     Deployment key of the running code.
	 * @param int    $now     Current time.
	 * @param int    $pause   Seconds between automatic attempts that could not start.
	 * @param bool   $inline  Whether this request may run migrations itself (an admin page,
	 *                        WP-Cron): it does not wait for a run handed to the background.
	 * @return string One of the constants.
	 */
	public static function decide( array $state, array $listing, $key, $now, $pause, $inline = false ) {
		if ( ! empty( $state['activation_failure'] ) ) {
			return self::NONE; // A halted activation waits for an administrator.
		}
		if ( $inline && ! empty( $state['handed_off_at'] ) && empty( $state['recovering'] )
			&& $now - max( (int) $state['handed_off_at'], (int) $state['migrating_since'] ) >= self::HANDOFF_GRACE_SECONDS ) {
			return self::RUN; // A visitor's request found it and no background request took it.
		}
		if ( 'migrating' === $state['mode'] ) {
			// Someone is migrating: leave it alone, unless the mark outlived any real run.
			$since = (int) ( $state['migrating_since'] ?? 0 );
			if ( $since <= 0 ) {
				return self::RUN; // "migrating" as the engine's own state row says: let it recover.
			}
			return $now - $since < self::STALE_MIGRATING_SECONDS ? self::WAIT : self::RECOVER;
		}
		$newest    = isset( $listing['newest_version'] ) ? (string) $listing['newest_version'] : null;
		// A listing the engine could not make (no extension, unreadable folder) or that shows a
		// file that cannot be a migration says nothing is up to date: let the engine report it.
		$unlisted  = in_array( (int) ( $listing['result'] ?? 0 ), array( 4, 5 ), true );
		$behind    = $unlisted || ( null !== $newest && $newest !== $state['schema_version'] );
		$unhealthy = ! Pet_Gate::decide( $state )['open'] || ! empty( $state['arriving'] );
		$changed   = $state['attempt_key'] !== $key;
		if ( ! $behind && ! $unhealthy ) {
			return self::NONE;
		}
		if ( $changed && Pet_Migration_Files::is_settling( $listing ) ) {
			return self::SETTLING;
		}
		if ( $changed ) {
			return self::RUN; // New code: one automatic attempt.
		}
		// The same code was tried already. A failed migration waits for an operator (Retry,
		// WP-CLI) or a new deployment; a run that could not start is retried after a pause.
		$transient = array( 2, 4, 5 ); // PET_LOCKED, PET_INVALID, PET_CONFIG.
		if ( in_array( (int) $state['result'], $transient, true ) && $now - (int) $state['attempted_at'] >= $pause ) {
			return self::RUN;
		}
		return self::WAIT;
	}
}
