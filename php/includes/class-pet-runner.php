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
 * Hook points for chunked background work (a later engine feature):
 *  - action `pet_migrate_after_run` ( $report, $context, $blog_id ) after every run;
 *  - action `pet_migrate_pending_work` ( $report, $blog_id ) when the engine reports PET_PENDING,
 *    so a scheduler (WP-Cron, Action Scheduler, WP-CLI) can call Pet_Runner::resume_site().
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
	 * Continues what a failed or interrupted run left: re-runs what is pending (and, once the
	 * engine offers it, chunked background work within a time budget).
	 *
	 * @param string   $context Context.
	 * @param int|null $blog_id Site.
	 * @param array    $extra   Config overrides.
	 * @return array Engine report.
	 */
	public static function resume_site( $context, $blog_id = null, array $extra = array() ) {
		if ( ! function_exists( 'pet_migrate_resume' ) ) {
			return self::run_site( $context, $blog_id, $extra );
		}
		return self::on_site(
			$blog_id,
			function () use ( $context, $blog_id, $extra ) {
				Pet_State::mark_migrating();
				$report = pet_migrate_resume( Pet_DB_Config::for_site( null, $extra ) );
				$report = is_array( $report ) ? $report : Pet_Engine::failure_report( Pet_Engine::CONFIG, 'extension_error', __( 'The PET Migrate extension returned no report.', 'pet' ) );
				self::after( $report, $context, $blog_id, null );
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
				if ( $record && Pet_Engine::CONFIG !== $report['result'] ) {
					$state = Pet_State::get();
					// Keep the result of the last run: status never runs anything.
					if ( $state['schema_version'] !== $report['schema_version'] || $state['mode'] !== $report['mode'] ) {
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
	 * Applies pending migrations on every site of the network where PET is active.
	 *
	 * @param string        $context  Context.
	 * @param callable|null $progress Called after each site with ( $blog_id, $report ).
	 * @return array<int,array> Reports by site ID.
	 */
	public static function run_network( $context, $progress = null ) {
		$reports = array();
		foreach ( Pet_Network::active_site_ids() as $blog_id ) {
			$reports[ $blog_id ] = self::run_site( $context, $blog_id );
			if ( is_callable( $progress ) ) {
				call_user_func( $progress, $blog_id, $reports[ $blog_id ] );
			}
		}
		return $reports;
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
		if ( Pet_Engine::LOCKED !== $report['result'] || 'upgrade' !== $context ) {
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
