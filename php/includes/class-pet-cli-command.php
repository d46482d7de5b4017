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
 *     wp pet migrate events --limit=20 --format=csv
 */
class Pet_CLI_Command {

	/** Columns of `status`. */
	const STATUS_FIELDS = array( 'version', 'name', 'status', 'applied_at', 'checksum' );

	/** Columns of `run`/`resume`. */
	const RUN_FIELDS = array( 'site', 'url', 'result', 'schema_version', 'mode', 'newly_applied', 'message' );

	/** Columns of `events`. */
	const EVENT_FIELDS = array( 'id', 'at', 'event', 'version', 'message' );

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
	 * Continues after a failure once its cause is fixed.
	 *
	 * Re-runs what is pending, and any interrupted background work, then reports.
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
	public function resume( $args, $assoc_args ) {
		$this->apply( 'cli-resume', $assoc_args, true );
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
		$run    = function ( $blog_id ) use ( $context, $resume ) {
			return $resume ? Pet_Runner::resume_site( $context, $blog_id ) : Pet_Runner::run_site( $context, $blog_id );
		};

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
