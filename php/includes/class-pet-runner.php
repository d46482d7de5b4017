<?php
/**
 * Runs the engine for one site or a whole network and keeps the state mirror in step.
 *
 * @package PET
 */

defined( 'ABSPATH' ) || exit;

/**
 * The single place that calls the engine's writing entry points.
 *
 * Hook points:
 *  - action `pet_migrate_after_run` ( $report, $context, $blog_id ) after every run;
 *  - action `pet_migrate_pending_work` ( $report, $blog_id ) when the engine reports PET_PENDING
 *    (Pet_Background_Runner schedules the next slice from it).
 */
class Pet_Runner {

	/**
	 * Applies pending migrations of one site.
	 *
	 * @param string      $context     activation | upgrade | auto-update | update | retry | cli | site-init.
	 * @param int|null    $blog_id     Site (multisite), null for the current one.
	 * @param array       $extra       Engine config overrides (e.g. lock_timeout_seconds).
	 * @param string|null $attempt_key Deployment key when this is an automatic attempt.
	 * @param array|null  $listing     The engine's listing the key was computed from.
	 * @return array Engine report.
	 */
	public static function run_site( $context, $blog_id = null, array $extra = array(), $attempt_key = null, $listing = null ) {
		return self::on_site(
			$blog_id,
			function () use ( $context, $blog_id, $extra, $attempt_key, $listing ) {
				Pet_State::mark_migrating( $attempt_key );
				// Nothing here reads the list of applied migrations (the schema version is in
				// the report anyway): leaving it out spares encoding and decoding hundreds of rows.
				$report = Pet_Engine::activate( Pet_DB_Config::for_site( null, $extra + array( 'report_applied' => false ) ) );
				self::after( $report, $context, $blog_id, $attempt_key, $listing );
				return $report;
			}
		);
	}

	/**
	 * Continues what a failed or interrupted run left: re-runs what is pending, then the
	 * background data work within config "budget_ms" (the engine's default without it), then
	 * the migrations that waited behind that work. Those are applied here, not by the
	 * engine's resume, so that PET's features close before their schema steps run.
	 *
	 * @param string   $context Context.
	 * @param int|null $blog_id Site.
	 * @param array    $extra   Config overrides.
	 * @return array Engine report.
	 */
	public static function resume_site( $context, $blog_id = null, array $extra = array() ) {
		return self::on_site(
			$blog_id,
			function () use ( $context, $blog_id, $extra ) {
				// Data work does not close PET's features (its migration's "gates" do, from the
				// state the report leaves); only pending schema steps make it "migrating".
				$state = Pet_State::get();
				if ( 'background' !== $state['mode'] ) {
					Pet_State::mark_migrating();
				}
				$report = Pet_Engine::resume( Pet_DB_Config::for_site( null, $extra + array( 'resume_applies_migrations' => false ) ) );
				if ( Pet_Engine::PENDING === (int) $report['result'] && ! empty( $report['pending'] ) && ! Pet_State::unfinished_work( $report['work'] ) ) {
					// The work they waited behind is done: their schema steps run now, closed.
					Pet_State::mark_migrating();
					$report = Pet_Engine::activate( Pet_DB_Config::for_site( null, array( 'report_applied' => false ) ) );
				}
				self::after( $report, $context, $blog_id, null );
				return $report;
			}
		);
	}

	/**
	 * Records a report that did not come from a run of this class (the lint a visitor's
	 * request makes before handing a deployment off) as a run would: state, hooks, mail.
	 *
	 * @param array       $report      Engine report.
	 * @param string      $context     Context.
	 * @param string|null $attempt_key Deployment key.
	 * @param array|null  $listing     The engine's listing the key was computed from.
	 */
	public static function record( array $report, $context, $attempt_key = null, $listing = null ) {
		self::after( $report, $context, null, $attempt_key, $listing );
	}

	/**
	 * Holds the site's unfinished data work until an operator resumes it.
	 *
	 * @param int|null $blog_id Site.
	 * @return array Engine report.
	 */
	public static function pause_site( $blog_id = null ) {
		return self::on_site(
			$blog_id,
			function () use ( $blog_id ) {
				$report = Pet_Engine::pause( Pet_DB_Config::for_site( null, array( 'report_applied' => false ) ) );
				self::after( $report, 'pause', $blog_id, null );
				return $report;
			}
		);
	}

	/**
	 * Verifies the copies of the site's cut-over flags that are off.
	 *
	 * @param int|null $blog_id Site.
	 * @param array    $extra   Config overrides (budget_ms).
	 * @return array Engine report.
	 */
	public static function verify_site( $blog_id = null, array $extra = array() ) {
		return self::on_site(
			$blog_id,
			function () use ( $blog_id, $extra ) {
				$report = Pet_Engine::verify( Pet_DB_Config::for_site( null, $extra + array( 'report_applied' => false ) ) );
				self::after( $report, 'verify', $blog_id, null );
				return $report;
			}
		);
	}

	/**
	 * Switches a cut-over flag of the site.
	 *
	 * @param array    $request {flag, action, percent, actor}.
	 * @param int|null $blog_id Site.
	 * @return array Engine report.
	 */
	public static function cutover_site( array $request, $blog_id = null ) {
		return self::on_site(
			$blog_id,
			function () use ( $request, $blog_id ) {
				$report = Pet_Engine::cutover( Pet_DB_Config::for_site( null, array( 'report_applied' => false ) ), $request );
				self::after( $report, 'cutover', $blog_id, null );
				return $report;
			}
		);
	}

	/**
	 * Read-only status of one site; refreshes the mirror if it drifted.
	 *
	 * @param int|null $blog_id Site.
	 * @param bool     $record  Whether to bring the mirror in step.
	 * @return array Engine report.
	 */
	public static function status_site( $blog_id = null, $record = true ) {
		return self::on_site(
			$blog_id,
			function () use ( $record ) {
				$report = Pet_Engine::status( Pet_DB_Config::for_site() );
				$state  = Pet_State::get();
				// A run under way, or handed to the background, ends with its own report: status,
				// which runs nothing, must not end its mark and open PET's features before then.
				$running = 'migrating' === $state['mode'] && $state['migrating_since'];
				if ( $record && ! $running && Pet_Engine::CONFIG !== $report['result'] ) {
					// Keep the result of the last run: status never runs anything.
					$drifted = $state['schema_version'] !== $report['schema_version'] || $state['mode'] !== $report['mode']
						|| ( isset( $report['flags'] ) && $state['flags'] !== $report['flags'] )
						|| ( isset( $report['work'] ) && $state['work'] !== Pet_State::unfinished_work( $report['work'] ) );
					if ( $drifted ) {
						Pet_State::record_report( $report, 'status' );
					}
				}
				return $report;
			}
		);
	}

	/**
	 * Read-only audit events of one site.
	 *
	 * @param int      $limit   Newest N events.
	 * @param int|null $blog_id Site.
	 * @return array Engine report with "events".
	 */
	public static function events_site( $limit = 50, $blog_id = null ) {
		return self::on_site(
			$blog_id,
			function () use ( $limit ) {
				return Pet_Engine::events( Pet_DB_Config::for_site( null, array( 'events_limit' => (int) $limit ) ) );
			}
		);
	}

	/**
	 * IDs of every site of the network (just the current one on a single site).
	 *
	 * @return int[]
	 */
	public static function site_ids() {
		if ( ! is_multisite() ) {
			return array( get_current_blog_id() );
		}
		return array_map(
			'intval',
			get_sites(
				array(
					'fields'   => 'ids',
					'number'   => 0,
					'archived' => 0,
					'deleted'  => 0,
				)
			)
		);
	}

	/**
	 * Runs a callback with a given site switched in.
	 *
	 * @param int|null $blog_id  Site.
	 * @param callable $callback Callback.
	 * @return mixed
	 */
	private static function on_site( $blog_id, $callback ) {
		$switch = is_multisite() && null !== $blog_id && (int) $blog_id !== get_current_blog_id();
		if ( $switch ) {
			switch_to_blog( (int) $blog_id );
		}
		try {
			return call_user_func( $callback );
		} finally {
			if ( $switch ) {
				restore_current_blog();
			}
		}
	}

	/**
	 * Records a run's report and fires the hook points.
	 *
	 * @param array       $report      Report.
	 * @param string      $context     Context.
	 * @param int|null    $blog_id     Site.
	 * @param string|null $attempt_key Deployment key of an automatic attempt.
	 * @param array|null  $listing     The engine's listing the key was computed from.
	 */
	private static function after( array $report, $context, $blog_id, $attempt_key, $listing = null ) {
		// A request that found the lock taken leaves the state to the process that holds it:
		// recording "locked" after that process recorded its result would shut the gate. (Its
		// "migrating" mark was written before that process's result, which replaced it.)
		if ( Pet_Engine::LOCKED !== $report['result'] || ! in_array( $context, array( 'upgrade', 'background' ), true ) ) {
			// A file a deployment is still writing cannot be parsed yet; it is not a broken release.
			$arriving = is_array( $listing ) && Pet_Migration_Files::looks_like_arriving( $report, $listing );
			Pet_State::record_report( $report, $context, $attempt_key, $arriving );
		}
		// A later run that succeeds (Retry, WP-CLI) completes a halted activation: PET stays active.
		if ( 'activation' !== $context && Pet_Engine::is_success( $report['result'] ) && Pet_State::get()['activation_failure'] ) {
			Pet_State::set_activation_failure( false );
		}
		/**
		 * Fires after every run of the engine on a site.
		 *
		 * @param array    $report  Engine report.
		 * @param string   $context What triggered the run.
		 * @param int|null $blog_id Site ID.
		 */
		if ( is_multisite() ) {
			Pet_Network_Status::note_site( get_current_blog_id() );
		}
		do_action( 'pet_migrate_after_run', $report, $context, $blog_id );
		if ( Pet_Engine::PENDING === $report['result'] ) {
			/**
			 * Fires when chunked background work remains after a run.
			 *
			 * @param array    $report  Engine report.
			 * @param int|null $blog_id Site ID.
			 */
			do_action( 'pet_migrate_pending_work', $report, $blog_id );
		}
	}
}
