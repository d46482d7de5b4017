<?php
/**
 * The PHP side of the PET Migrate engine: a thin, failure-proof wrapper around the
 * pet_migrate extension (which itself wraps the Swift library's C ABI).
 *
 * @package PET
 */

defined( 'ABSPATH' ) || exit;

/**
 * Calls the extension and always returns a complete report array, even when the
 * extension is missing or rejects its arguments. Never echoes, never dies.
 */
class Pet_Engine {

	/** The schema is at the target version; nothing left to do. */
	const OK = 0;
	/** Schema applied; chunked background work remains. */
	const PENDING = 1;
	/** Another process holds the migration lock; nothing was changed. */
	const LOCKED = 2;
	/** A migration failed and was rolled back or compensated; PET is in maintenance. */
	const MAINTENANCE = 3;
	/** The migration set is invalid; nothing ran. */
	const INVALID = 4;
	/** Bad configuration, missing extension, or unreachable database; nothing ran. */
	const CONFIG = 5;

	/** Every key of a report a caller may read (see include/pet_migrate.h). */
	const EMPTY_REPORT = array(
		'result'         => self::CONFIG,
		'result_name'    => null,
		'message'        => '',
		'mode'           => null,
		'schema_version' => null,
		'target_version' => null,
		'applied'        => array(),
		'applied_count'  => 0,
		'pending'        => array(),
		'newly_applied'  => array(),
		'error'          => null,
		'events'         => array(),
	);

	/** Result names, indexed by code, as the engine spells them. */
	const NAMES = array( 'PET_OK', 'PET_PENDING', 'PET_LOCKED', 'PET_MAINTENANCE', 'PET_INVALID', 'PET_CONFIG' );

	/**
	 * Whether the pet_migrate extension is loaded in this PHP process.
	 *
	 * @return bool
	 */
	public static function is_available() {
		return function_exists( 'pet_migrate_activate' ) && function_exists( 'pet_migrate_status' );
	}

	/**
	 * The engine library's version, or null without the extension.
	 *
	 * @return string|null
	 */
	public static function version() {
		return function_exists( 'pet_migrate_version' ) ? (string) pet_migrate_version() : null;
	}

	/**
	 * Applies every pending migration (takes the migration lock only if something is pending).
	 *
	 * @param array $config Engine configuration (see Pet_DB_Config).
	 * @return array Report.
	 */
	public static function activate( array $config ) {
		return self::call( 'pet_migrate_activate', $config );
	}

	/**
	 * Background data work within config "budget_ms" (first any pending migration).
	 *
	 * @param array $config Engine configuration.
	 * @return array Report.
	 */
	public static function resume( array $config ) {
		return self::call( 'pet_migrate_resume', $config );
	}

	/**
	 * Holds every unfinished data step until an operator resumes it.
	 *
	 * @param array $config Engine configuration.
	 * @return array Report.
	 */
	public static function pause( array $config ) {
		return self::call( 'pet_migrate_pause', $config );
	}

	/**
	 * Verifies the copies of cut-over flags that are off (within config "budget_ms").
	 *
	 * @param array $config Engine configuration.
	 * @return array Report.
	 */
	public static function verify( array $config ) {
		return self::call( 'pet_migrate_verify', $config );
	}

	/**
	 * Switches a cut-over flag.
	 *
	 * @param array $config  Engine configuration.
	 * @param array $request {flag, action: on|off|finalize, percent, actor}.
	 * @return array Report.
	 */
	public static function cutover( array $config, array $request ) {
		return self::call( 'pet_migrate_cutover', $config, $request );
	}

	/**
	 * Read-only status; never takes the lock, never writes.
	 *
	 * @param array $config Engine configuration.
	 * @return array Report.
	 */
	public static function status( array $config ) {
		return self::call( 'pet_migrate_status', $config );
	}

	/**
	 * Read-only: newest audit events (config "events_limit").
	 *
	 * @param array $config Engine configuration.
	 * @return array Report with "events".
	 */
	public static function events( array $config ) {
		return self::call( 'pet_migrate_events', $config );
	}

	/**
	 * Validates a migrations directory without touching a database.
	 *
	 * @param array $config Engine configuration (only "migrations_dir" is needed).
	 * @return array Report.
	 */
	public static function lint( array $config ) {
		return self::call( 'pet_migrate_lint', $config );
	}

	/**
	 * Calls one extension function and normalises whatever comes back.
	 *
	 * @param string     $function Extension function name.
	 * @param array      $config   Engine configuration.
	 * @param array|null $request  Second argument (pet_migrate_cutover's request).
	 * @return array Report.
	 */
	private static function call( $function, array $config, $request = null ) {
		if ( ! function_exists( $function ) ) {
			return self::failure_report(
				self::CONFIG,
				'extension_missing',
				__( 'The PET Migrate PHP extension (pet_migrate) is not loaded, so PET cannot check or migrate its database. Ask your host to install and enable it (extension=pet_migrate.so), then activate PET again.', 'pet' )
			);
		}
		try {
			$report = null === $request ? call_user_func( $function, $config ) : call_user_func( $function, $config, $request );
		} catch ( \Throwable $e ) {
			return self::failure_report(
				self::CONFIG,
				'extension_error',
				/* translators: %s: the error reported by the PHP extension. */
				sprintf( __( 'The PET Migrate extension refused the request: %s', 'pet' ), self::redact( $e->getMessage(), $config ) )
			);
		}
		if ( ! is_array( $report ) || ! isset( $report['result'] ) ) {
			return self::failure_report( self::CONFIG, 'extension_error', __( 'The PET Migrate extension returned no report.', 'pet' ) );
		}
		return self::normalise( $report, $config );
	}

	/**
	 * Fills in every key a caller may read and strips the password from any text.
	 *
	 * @param array $report Report from the extension.
	 * @param array $config Configuration used (for redaction).
	 * @return array
	 */
	private static function normalise( array $report, array $config ) {
		$report           = array_merge( self::EMPTY_REPORT, $report );
		$report['result'] = (int) $report['result'];
		if ( empty( $report['result_name'] ) ) {
			$report['result_name'] = self::name( $report['result'] );
		}
		return self::redact_deep( $report, $config );
	}

	/**
	 * A complete report for a failure that happened on the PHP side.
	 *
	 * @param int    $code    Result code.
	 * @param string $kind    Error kind.
	 * @param string $message Message for the administrator.
	 * @return array
	 */
	public static function failure_report( $code, $kind, $message ) {
		$report                = self::EMPTY_REPORT;
		$report['result']      = (int) $code;
		$report['result_name'] = self::name( $code );
		$report['message']     = $message;
		$report['error']       = array(
			'kind'    => $kind,
			'file'    => null,
			'version' => null,
			'step'    => null,
			'reason'  => $message,
		);
		return $report;
	}

	/**
	 * The name of a result code.
	 *
	 * @param int $code Result code.
	 * @return string
	 */
	public static function name( $code ) {
		return self::NAMES[ $code ] ?? 'PET_UNKNOWN';
	}

	/**
	 * Whether a result code means the schema is usable (at target, or only background work left).
	 *
	 * @param int $code Result code.
	 * @return bool
	 */
	public static function is_success( $code ) {
		return self::OK === (int) $code || self::PENDING === (int) $code;
	}

	/**
	 * Removes the database password from every string of a nested array. The engine promises
	 * never to report it; this keeps the promise even if some layer in between did not.
	 *
	 * @param mixed $value  Value.
	 * @param array $config Configuration (holds the password).
	 * @return mixed
	 */
	private static function redact_deep( $value, array $config ) {
		if ( is_array( $value ) ) {
			foreach ( $value as $key => $item ) {
				$value[ $key ] = self::redact_deep( $item, $config );
			}
			return $value;
		}
		return is_string( $value ) ? self::redact( $value, $config ) : $value;
	}

	/**
	 * Removes the database password from one string.
	 *
	 * @param string $text   Text.
	 * @param array  $config Configuration.
	 * @return string
	 */
	private static function redact( $text, array $config ) {
		$password = isset( $config['database']['password'] ) ? (string) $config['database']['password'] : '';
		if ( strlen( $password ) >= 3 && false !== strpos( $text, $password ) ) {
			$text = str_replace( $password, '********', $text );
		}
		return $text;
	}
}
