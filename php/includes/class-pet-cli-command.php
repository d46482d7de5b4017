<?php
/**
 * WP-CLI: wp pet migrate status|run|resume|events.
 *
 * @package PET
 */

defined( 'ABSPATH' ) || exit;

/**
 * Runs and inspects PET's database migrations.
 *
 * Exit codes are the engine's result codes, so a deploy script can act on them: 0 PET_OK (the schema is up to date), 1 PET_PENDING (applied; background work remains), 2 PET_LOCKED (another process is migrating; nothing changed), 3 PET_MAINTENANCE (a migration failed and was undone; PET's features are paused), 4 PET_INVALID (the migration files are not valid; nothing ran), 5 PET_CONFIG (the extension or the database cannot be reached, or --network without a multisite; nothing ran).
 *
 * WP-CLI itself also exits with 1 when it refuses the command line (an unknown option, an extra argument, a --format it does not list), before PET runs; it then prints "Error: Parameter errors" or "Error: Too many positional arguments". `wp plugin activate pet` exits with the result code too when PET's migrations fail and PET deactivates itself.
 *
 * ## EXAMPLES
 *
 *     wp pet migrate status
 *     wp pet migrate run --format=json
 *     wp pet migrate resume --network
 *     wp pet migrate pause
 *     wp pet migrate verify orders_v2
 *     wp pet migrate cutover orders_v2 on --percent=5
 *     wp pet migrate events --limit=20 --format=csv
 */
class Pet_CLI_Command {

	/** Columns of `status`. */
	const STATUS_FIELDS = array( 'version', 'name', 'status', 'applied_at', 'checksum' );

	/** Columns of `run`/`resume`. */
	const RUN_FIELDS = array( 'site', 'url', 'result', 'schema_version', 'mode', 'newly_applied', 'message' );

	/** Columns of `events`. */
	const EVENT_FIELDS = array( 'id', 'at', 'event', 'version', 'message' );

	/** Columns of `pause` (and of the work `resume` leaves). */
	const WORK_FIELDS = array( 'version', 'step', 'op', 'target', 'status', 'paused', 'percent', 'rows_done', 'rows_estimated', 'rows_per_second', 'eta_seconds', 'throttle' );

	/** Columns of `verify` and `cutover`. */
	const CUTOVER_FIELDS = array( 'flag', 'phase', 'percent', 'sync', 'passed', 'ranges_checked', 'mismatches_found', 'mismatches_repaired', 'problem' );

	/** Default budget of one slice of `resume`, in seconds. */
	const SLICE_SECONDS = 10;

	/** How long `resume` waits for a slice that WP-Cron is running, in seconds. */
	const LOCK_WAIT_SECONDS = 120;

	/**
	 * Shows which migrations are applied and which are pending.
	 *
	 * ## OPTIONS
	 *
	 * [--network]
	 * : One row per site where PET is active instead.
	 *
	 * [--format=<format>]
	 * : Output format.
	 * ---
	 * default: table
	 * options:
	 *   - table
	 *   - json
	 *   - csv
	 * ---
	 *
	 * @param array $args       Positional arguments.
	 * @param array $assoc_args Options.
	 */
	public function status( $args, $assoc_args ) {
		$format = $this->format( $assoc_args );
		if ( $this->network( $assoc_args ) ) {
			$rows  = array();
			$worst = Pet_Engine::OK;
			foreach ( Pet_Network::active_site_ids() as $blog_id ) {
				$report = Pet_Runner::status_site( $blog_id );
				$rows[] = $this->site_row( $blog_id, $report );
				$worst  = max( $worst, $report['result'] );
			}
			WP_CLI\Utils\format_items( $format, $rows, self::RUN_FIELDS );
			$this->finish( $worst, __( 'Status of every site listed.', 'pet' ), $format );
			return;
		}

		$report = Pet_Runner::status_site();
		$rows   = array();
		foreach ( (array) $report['applied'] as $migration ) {
			$rows[] = array(
				'version'    => $migration['version'] ?? '',
				'name'       => $migration['name'] ?? '',
				'status'     => 'applied',
				'applied_at' => $migration['applied_at'] ?? '',
				'checksum'   => $migration['checksum'] ?? '',
			);
		}
		foreach ( (array) $report['pending'] as $migration ) {
			$rows[] = array(
				'version'    => $migration['version'] ?? '',
				'name'       => $migration['name'] ?? '',
				'status'     => 'pending',
				'applied_at' => '',
				'checksum'   => '',
			);
		}
		if ( 'table' === $format ) {
			WP_CLI::log( sprintf( 'Mode: %s  Schema: %s  Target: %s', $report['mode'] ?? '-', $report['schema_version'] ?? '-', $report['target_version'] ?? '-' ) );
		}
		WP_CLI\Utils\format_items( $format, $rows, self::STATUS_FIELDS );
		$this->finish( $report['result'], $report['message'], $format, $report['error'] );
	}

	/**
	 * Applies every pending migration.
	 *
	 * ## OPTIONS
	 *
	 * [--network]
	 * : Every site of the network where PET is active, with a progress bar on a terminal.
	 *
	 * [--format=<format>]
	 * : Output format.
	 * ---
	 * default: table
	 * options:
	 *   - table
	 *   - json
	 *   - csv
	 * ---
	 *
	 * @param array $args       Positional arguments.
	 * @param array $assoc_args Options.
	 */
	public function run( $args, $assoc_args ) {
		$this->apply( 'cli', $assoc_args, false );
	}

	/**
	 * Runs pending migrations and the background data work until it is done.
	 *
	 * Runs slices (each one call of the engine within --budget) until no work remains, with a progress bar on a terminal; also continues work an operator paused, and after a failure once its cause is fixed. Waits for a slice WP-Cron is running. Exits 0 when everything is done, or with the result that stopped it.
	 *
	 * ## OPTIONS
	 *
	 * [--network]
	 * : Every site of the network where PET is active, one after the other, each with its own progress bar on a terminal.
	 *
	 * [--budget=<seconds>]
	 * : How long one slice may run; the progress is reported after each.
	 * ---
	 * default: 10
	 * ---
	 *
	 * [--format=<format>]
	 * : Output format.
	 * ---
	 * default: table
	 * options:
	 *   - table
	 *   - json
	 *   - csv
	 * ---
	 *
	 * @param array $args       Positional arguments.
	 * @param array $assoc_args Options.
	 */
	public function resume( $args, $assoc_args ) {
		$this->apply( 'cli-resume', $assoc_args, true );
	}

	/**
	 * Pauses the background data work.
	 *
	 * A running slice stops before its next chunk; WP-Cron leaves the work alone until `wp pet migrate resume` or the Resume button on the PET Migrations screen. Exits 0 when the work is paused or there was none.
	 *
	 * ## OPTIONS
	 *
	 * [--network]
	 * : Every site of the network where PET is active.
	 *
	 * [--format=<format>]
	 * : Output format.
	 * ---
	 * default: table
	 * options:
	 *   - table
	 *   - json
	 *   - csv
	 * ---
	 *
	 * @param array $args       Positional arguments.
	 * @param array $assoc_args Options.
	 */
	public function pause( $args, $assoc_args ) {
		$format = $this->format( $assoc_args );
		$sites  = $this->network( $assoc_args ) ? Pet_Network::active_site_ids() : array( null );
		$rows   = array();
		$worst  = Pet_Engine::OK;
		$last   = array(
			'message' => '',
			'error'   => null,
		);
		foreach ( $sites as $blog_id ) {
			$report = Pet_Runner::pause_site( $blog_id );
			foreach ( (array) $report['work'] as $item ) {
				if ( 'done' !== ( $item['status'] ?? null ) ) {
					$rows[] = $this->work_row( $item );
				}
			}
			// Paused work is PET_PENDING to the engine; for this command it is what was asked.
			$worst = max( $worst, Pet_Engine::PENDING === $report['result'] ? Pet_Engine::OK : $report['result'] );
			$last  = $report;
		}
		WP_CLI\Utils\format_items( $format, $rows, self::WORK_FIELDS );
		$this->finish( $worst, $last['message'], $format, $last['error'] );
	}

	/**
	 * Verifies the copies of cut-over flags, repairing what differs.
	 *
	 * Compares every range of each copy whose flag is off with what its source computes (and re-copies a range that differs), running passes of --budget until they finish. Exits 0 when every flag checked passed, 1 while a copy still runs or a range still differs after its repair (verification_failed), 2 while a slice holds the work.
	 *
	 * ## OPTIONS
	 *
	 * [<flag>]
	 * : Show only this flag (every flag that is off is verified).
	 *
	 * [--budget=<seconds>]
	 * : How long one pass may run.
	 * ---
	 * default: 30
	 * ---
	 *
	 * [--format=<format>]
	 * : Output format.
	 * ---
	 * default: table
	 * options:
	 *   - table
	 *   - json
	 *   - csv
	 * ---
	 *
	 * @param array $args       Positional arguments.
	 * @param array $assoc_args Options.
	 */
	public function verify( $args, $assoc_args ) {
		$format = $this->format( $assoc_args );
		$flag   = isset( $args[0] ) ? (string) $args[0] : null;
		$budget = $this->budget_ms( $assoc_args, 30 );
		do {
			$report      = $this->wait_for_claim(
				function () use ( $budget ) {
					return Pet_Runner::verify_site( null, array( 'budget_ms' => $budget ) );
				}
			);
			$in_progress = false;
			foreach ( (array) ( $report['cutovers'] ?? array() ) as $cutover ) {
				$in_progress = $in_progress || ! empty( $cutover['verification']['in_progress'] );
			}
		} while ( Pet_Engine::PENDING === $report['result'] && $in_progress );
		$rows = $this->cutover_rows( $report, $flag );
		WP_CLI\Utils\format_items( $format, $rows, self::CUTOVER_FIELDS );
		$this->finish_cutover( $report, $format );
	}

	/**
	 * Switches a cut-over flag: on (for a share of users), off, or finalize.
	 *
	 * "on" is refused until the copy is verified; "off" goes back to the old table, which holds every write made meanwhile; "finalize" (only at 100 %) stops keeping the old table in step and drops no table. The switch is an audit event naming you. Exits 0 when switched, 1 when refused (cutover_refused), 5 for an unknown flag or a switch the flag's phase does not allow.
	 *
	 * ## OPTIONS
	 *
	 * <flag>
	 * : The flag, as the migration declares it ("cutover").
	 *
	 * <action>
	 * : on, off or finalize.
	 *
	 * [--percent=<percent>]
	 * : With "on": the share of keys (users) that see it on, 1 to 100.
	 * ---
	 * default: 100
	 * ---
	 *
	 * [--format=<format>]
	 * : Output format.
	 * ---
	 * default: table
	 * options:
	 *   - table
	 *   - json
	 *   - csv
	 * ---
	 *
	 * @param array $args       Positional arguments.
	 * @param array $assoc_args Options.
	 */
	public function cutover( $args, $assoc_args ) {
		$format = $this->format( $assoc_args );
		if ( count( $args ) < 2 || ! in_array( $args[1], array( 'on', 'off', 'finalize' ), true ) ) {
			WP_CLI::error( 'usage: wp pet migrate cutover <flag> on|off|finalize [--percent=<percent>]', 1 );
		}
		$percent = WP_CLI\Utils\get_flag_value( $assoc_args, 'percent', 100 );
		if ( ! is_numeric( $percent ) || (int) $percent < 1 || (int) $percent > 100 || (int) $percent != $percent ) { // phpcs:ignore Universal.Operators.StrictComparisons -- "5" and 5 alike.
			WP_CLI::error( '--percent must be a whole number from 1 to 100.', 1 );
		}
		$request = array(
			'flag'   => (string) $args[0],
			'action' => (string) $args[1],
			'actor'  => $this->actor(),
		);
		if ( 'on' === $args[1] ) {
			$request['percent'] = (int) $percent;
		}
		$report = Pet_Runner::cutover_site( $request );
		WP_CLI\Utils\format_items( $format, $this->cutover_rows( $report, (string) $args[0] ), self::CUTOVER_FIELDS );
		$this->finish_cutover( $report, $format );
	}

	/**
	 * Ends `verify` and `cutover`: PET_PENDING there is a refusal or a verification that has
	 * not passed, not "background work remains", so the engine's reason is what is printed.
	 *
	 * @param array  $report Report.
	 * @param string $format Output format.
	 */
	private function finish_cutover( array $report, $format ) {
		if ( Pet_Engine::PENDING === (int) $report['result'] ) {
			WP_CLI::warning( Pet_Messages::engine_message_for_wordpress( $report['message'] ) . ' (' . Pet_Engine::name( Pet_Engine::PENDING ) . ')' );
			WP_CLI::halt( Pet_Engine::PENDING );
		}
		$this->finish( $report['result'], Pet_Messages::engine_message_for_wordpress( $report['message'] ), $format, $report['error'] );
	}

	/**
	 * Lists the newest audit events (started, completed, failed, compensated, ...).
	 *
	 * ## OPTIONS
	 *
	 * [--limit=<limit>]
	 * : How many, newest first.
	 * ---
	 * default: 50
	 * ---
	 *
	 * [--format=<format>]
	 * : Output format.
	 * ---
	 * default: table
	 * options:
	 *   - table
	 *   - json
	 *   - csv
	 * ---
	 *
	 * @param array $args       Positional arguments.
	 * @param array $assoc_args Options.
	 */
	public function events( $args, $assoc_args ) {
		$format = $this->format( $assoc_args );
		$limit  = max( 1, (int) WP_CLI\Utils\get_flag_value( $assoc_args, 'limit', 50 ) );
		$report = Pet_Runner::events_site( $limit );
		$rows   = array();
		foreach ( (array) $report['events'] as $event ) {
			$rows[] = array_merge( array_fill_keys( self::EVENT_FIELDS, '' ), array_intersect_key( (array) $event, array_flip( self::EVENT_FIELDS ) ) );
		}
		WP_CLI\Utils\format_items( $format, $rows, self::EVENT_FIELDS );
		$this->finish( $report['result'], $report['message'], $format, $report['error'] );
	}

	/**
	 * `run` and `resume`.
	 *
	 * @param string $context    Context recorded in the state.
	 * @param array  $assoc_args Options.
	 * @param bool   $resume     Whether to resume.
	 */
	private function apply( $context, $assoc_args, $resume ) {
		$format = $this->format( $assoc_args );
		$budget = $resume ? $this->budget_ms( $assoc_args, self::SLICE_SECONDS ) : 0;
		$run    = function ( $blog_id ) use ( $context, $resume, $budget ) {
			return $resume ? $this->resume_until_done( $context, $blog_id, $budget ) : Pet_Runner::run_site( $context, $blog_id );
		};
		if ( $resume && $this->network( $assoc_args ) ) {
			// One bar per site (each drawn by resume_until_done), not one for the network.
			$rows  = array();
			$worst = Pet_Engine::OK;
			$sites = Pet_Network::active_site_ids();
			foreach ( $sites as $blog_id ) {
				$report = $run( $blog_id );
				$rows[] = $this->site_row( $blog_id, $report );
				$worst  = max( $worst, $report['result'] );
			}
			WP_CLI\Utils\format_items( $format, $rows, self::RUN_FIELDS );
			/* translators: %d: number of sites. */
			$this->finish( $worst, sprintf( _n( 'Ran on %d site where PET is active.', 'Ran on %d sites where PET is active.', count( $sites ), 'pet' ), count( $sites ) ), $format );
			return;
		}

		if ( $this->network( $assoc_args ) ) {
			$sites    = Pet_Network::active_site_ids();
			$progress = WP_CLI\Utils\make_progress_bar( __( 'Migrating sites', 'pet' ), count( $sites ) );
			$rows     = array();
			$worst    = Pet_Engine::OK;
			foreach ( $sites as $blog_id ) {
				$report = $run( $blog_id );
				$rows[] = $this->site_row( $blog_id, $report );
				$worst  = max( $worst, $report['result'] );
				$progress->tick();
			}
			$progress->finish();
			WP_CLI\Utils\format_items( $format, $rows, self::RUN_FIELDS );
			/* translators: %d: number of sites. */
			$this->finish( $worst, sprintf( _n( 'Ran on %d site where PET is active.', 'Ran on %d sites where PET is active.', count( $sites ), 'pet' ), count( $sites ) ), $format );
			return;
		}

		$report = $run( null );
		WP_CLI\Utils\format_items( $format, array( $this->site_row( get_current_blog_id(), $report ) ), self::RUN_FIELDS );
		$this->finish( $report['result'], $report['message'], $format, $report['error'] );
	}

	/**
	 * Slices until the work is done or something stops it, with a progress bar (percent of
	 * the rows) on a terminal.
	 *
	 * @param string   $context Context.
	 * @param int|null $blog_id Site.
	 * @param int      $budget  Budget of one slice, in milliseconds.
	 * @return array The last report.
	 */
	private function resume_until_done( $context, $blog_id, $budget ) {
		$label = null === $blog_id ? __( 'Background work', 'pet' ) : sprintf( /* translators: 1: site ID, 2: address. */ __( 'Site %1$d (%2$s)', 'pet' ), $blog_id, get_home_url( $blog_id, '/' ) );
		$bar   = null;
		$shown = 0;
		while ( true ) {
			$report = $this->wait_for_claim(
				function () use ( $context, $blog_id, $budget ) {
					return Pet_Runner::resume_site(
						$context,
						$blog_id,
						array(
							'budget_ms'      => $budget,
							'resume_paused'  => true,
							'report_applied' => false,
						)
					);
				}
			);
			$percent = $this->percent_done( $report );
			if ( null === $bar && ( Pet_Engine::PENDING === $report['result'] || $shown > 0 ) ) {
				$bar = WP_CLI\Utils\make_progress_bar( $label, 100 );
			}
			if ( null !== $bar && $percent > $shown ) {
				$bar->tick( $percent - $shown );
				$shown = $percent;
			}
			if ( Pet_Engine::PENDING !== $report['result'] ) {
				break;
			}
		}
		if ( null !== $bar ) {
			if ( Pet_Engine::OK === $report['result'] && $shown < 100 ) {
				$bar->tick( 100 - $shown );
			}
			$bar->finish();
		}
		return $report;
	}

	/**
	 * Runs an engine call, waiting (up to LOCK_WAIT_SECONDS) while another runner, such as a
	 * WP-Cron slice, holds the site's claim.
	 *
	 * @param callable $call The call.
	 * @return array Its report.
	 */
	private function wait_for_claim( $call ) {
		$deadline = microtime( true ) + self::LOCK_WAIT_SECONDS;
		$said     = false;
		while ( true ) {
			$report = call_user_func( $call );
			if ( Pet_Engine::LOCKED !== $report['result'] || microtime( true ) >= $deadline ) {
				return $report;
			}
			if ( ! $said ) {
				WP_CLI::log( __( 'Another runner (a WP-Cron slice or another command) is working; waiting for it to finish its slice.', 'pet' ) );
				$said = true;
			}
			sleep( 1 );
		}
	}

	/**
	 * How much of the unfinished work is done, 0 to 100 (rows done over rows estimated, or
	 * the engine's own percentages where no estimate exists).
	 *
	 * @param array $report Report.
	 * @return int
	 */
	private function percent_done( array $report ) {
		$done  = 0;
		$total = 0;
		$items = 0;
		$sum   = 0;
		foreach ( (array) $report['work'] as $item ) {
			if ( 'done' === ( $item['status'] ?? null ) ) {
				continue;
			}
			++$items;
			$sum += (int) ( $item['percent'] ?? 0 );
			if ( isset( $item['rows_estimated'] ) && (int) $item['rows_estimated'] > 0 ) {
				$done  += min( (int) $item['rows_done'], (int) $item['rows_estimated'] );
				$total += (int) $item['rows_estimated'];
			}
		}
		if ( 0 === $items ) {
			return Pet_Engine::PENDING === $report['result'] ? 0 : 100;
		}
		return $total > 0 ? (int) min( 99, floor( 100 * $done / $total ) ) : (int) min( 99, floor( $sum / $items ) );
	}

	/**
	 * The --budget option in milliseconds.
	 *
	 * @param array $assoc_args Options.
	 * @param int   $default    Seconds.
	 * @return int
	 */
	private function budget_ms( $assoc_args, $default ) {
		$seconds = WP_CLI\Utils\get_flag_value( $assoc_args, 'budget', $default );
		if ( ! is_numeric( $seconds ) || (float) $seconds <= 0 ) {
			WP_CLI::error( '--budget must be a number of seconds above 0.', 1 );
		}
		return max( 1, (int) round( (float) $seconds * 1000 ) );
	}

	/**
	 * One row of `pause`.
	 *
	 * @param array $item A "work" item.
	 * @return array
	 */
	private function work_row( array $item ) {
		$row = array();
		foreach ( self::WORK_FIELDS as $field ) {
			$value         = $item[ $field ] ?? null;
			$row[ $field ] = is_bool( $value ) ? ( $value ? 'yes' : 'no' ) : ( null === $value ? '' : $value );
		}
		return $row;
	}

	/**
	 * Rows of `verify`/`cutover`: every flag, or the one asked for (PET_CONFIG if unknown).
	 *
	 * @param array       $report Report.
	 * @param string|null $flag   Flag asked for.
	 * @return array[]
	 */
	private function cutover_rows( array $report, $flag ) {
		$rows  = array();
		$known = false;
		foreach ( (array) ( $report['cutovers'] ?? array() ) as $cutover ) {
			$known = $known || ( $cutover['flag'] ?? null ) === $flag;
			if ( null !== $flag && ( $cutover['flag'] ?? null ) !== $flag ) {
				continue;
			}
			$v      = is_array( $cutover['verification'] ?? null ) ? $cutover['verification'] : array();
			$rows[] = array(
				'flag'                => (string) $cutover['flag'],
				'phase'               => (string) ( $cutover['phase'] ?? '' ),
				'percent'             => (int) ( $cutover['percent'] ?? 0 ),
				'sync'                => (string) ( $cutover['sync'] ?? '' ),
				'passed'              => ! empty( $v['passed'] ) ? 'yes' : 'no',
				'ranges_checked'      => (int) ( $v['ranges_checked'] ?? 0 ),
				'mismatches_found'    => (int) ( $v['mismatches_found'] ?? 0 ),
				'mismatches_repaired' => (int) ( $v['mismatches_repaired'] ?? 0 ),
				'problem'             => (string) ( $v['problem'] ?? '' ),
			);
		}
		if ( null !== $flag && ! $known && isset( $report['cutovers'] ) && Pet_Engine::CONFIG !== $report['result'] ) {
			/* translators: %s: flag name. */
			WP_CLI::error( sprintf( __( 'No migration declares the cut-over flag "%s".', 'pet' ), $flag ) . ' (' . Pet_Engine::name( Pet_Engine::CONFIG ) . ')', Pet_Engine::CONFIG );
		}
		return $rows;
	}

	/**
	 * Who switched, for the audit event.
	 *
	 * @return string
	 */
	private function actor() {
		$user   = wp_get_current_user();
		$system = function_exists( 'posix_getpwuid' ) && function_exists( 'posix_geteuid' ) ? ( posix_getpwuid( posix_geteuid() )['name'] ?? '' ) : '';
		$who    = $user && $user->ID ? $user->user_login . ' (user ' . $user->ID . ')' : ( '' !== $system ? 'system user ' . $system : 'unknown user' );
		return substr( 'wp-cli: ' . $who, 0, 200 );
	}

	/**
	 * One row of `run`/`resume`/`status --network`.
	 *
	 * @param int   $blog_id Site.
	 * @param array $report  Report.
	 * @return array
	 */
	private function site_row( $blog_id, array $report ) {
		return array(
			'site'           => (int) $blog_id,
			'url'            => get_home_url( $blog_id, '/' ),
			'result'         => $report['result_name'],
			'schema_version' => (string) $report['schema_version'],
			'mode'           => (string) $report['mode'],
			'newly_applied'  => implode( ' ', (array) $report['newly_applied'] ),
			'message'        => $report['message'],
		);
	}

	/**
	 * Ends the command with the exit code of the result.
	 *
	 * @param int        $result  Result code.
	 * @param string     $message What happened, for a success.
	 * @param string     $format  Output format (a success line only with the table format).
	 * @param array|null $error   Error details.
	 */
	private function finish( $result, $message, $format, $error = null ) {
		$result = (int) $result;
		if ( Pet_Engine::OK === $result ) {
			if ( 'table' === $format ) {
				WP_CLI::success( $message );
			}
			return;
		}
		if ( Pet_Engine::PENDING === $result ) {
			WP_CLI::warning( Pet_Messages::outcome( $result ) );
			WP_CLI::halt( $result );
		}
		$reason = Pet_Messages::reason_of_result( $result );
		$text   = Pet_Messages::plain( $reason, $error, $result, 'cli-active', false, is_array( $error ) ? '' : $message );
		WP_CLI::error( $text . ' (' . Pet_Engine::name( $result ) . ')', $result );
	}

	/**
	 * The --format option.
	 *
	 * @param array $assoc_args Options.
	 * @return string
	 */
	private function format( $assoc_args ) {
		// WP-CLI has checked the value against the synopsis (options: table, json, csv).
		return (string) WP_CLI\Utils\get_flag_value( $assoc_args, 'format', 'table' );
	}

	/**
	 * The --network flag (only meaningful on multisite).
	 *
	 * @param array $assoc_args Options.
	 * @return bool
	 */
	private function network( $assoc_args ) {
		$network = (bool) WP_CLI\Utils\get_flag_value( $assoc_args, 'network', false );
		if ( $network && ! is_multisite() ) {
			WP_CLI::error( '--network needs a multisite installation.', Pet_Engine::CONFIG );
		}
		return $network;
	}
}
