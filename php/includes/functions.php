<?php
/**
 * The PHP API other code uses to ask about PET's schema. None of these query the database.
 *
 * @package PET
 */

defined( 'ABSPATH' ) || exit;

if ( ! function_exists( 'pet_schema_at_least' ) ) {
	/**
	 * Whether the current site's schema includes a migration version.
	 *
	 * Example: if ( pet_schema_at_least( '2026_02_10_0001' ) ) { ... use pet_tasks ... }
	 *
	 * @param string $version A migration version, YYYY_MM_DD_NNNN.
	 * @return bool
	 */
	function pet_schema_at_least( $version ) {
		$current = Pet_State::get()['schema_version'];
		// Versions are fixed-width, so their string order is their order.
		return is_string( $current ) && strcmp( $current, (string) $version ) >= 0;
	}
}

if ( ! function_exists( 'pet_schema_version' ) ) {
	/**
	 * The newest migration applied on the current site, or null.
	 *
	 * @return string|null
	 */
	function pet_schema_version() {
		return Pet_State::get()['schema_version'];
	}
}

if ( ! function_exists( 'pet_is_available' ) ) {
	/**
	 * Whether PET's features may run now (false in maintenance, while migrating, or during
	 * blocking background work).
	 *
	 * @return bool
	 */
	function pet_is_available() {
		return Pet_Gate::is_open();
	}
}

if ( ! function_exists( 'pet_cutover_enabled' ) ) {
	/**
	 * Whether code should use the new structure of a cut-over (a copy_rows step's "cutover"
	 * flag), for this key. Reads the flags the engine's last report carried (cached with the
	 * state, no query). A flag on for P % is on for the keys whose stable bucket (the engine's
	 * pet_migrate_rollout_bucket(), or the same SHA-256 formula in PHP) is below P * 100, so a
	 * key sees the same answer on every request.
	 *
	 * @param string          $flag Cut-over name, as the migration declares it.
	 * @param string|int|null $key  What the staged share is split by (default: the current
	 *                              user's ID; visitors who are not logged in see a flag only
	 *                              once it is on for everyone).
	 * @return bool
	 */
	function pet_cutover_enabled( $flag, $key = null ) {
		$flags   = Pet_State::get()['flags'];
		$percent = is_array( $flags ) && isset( $flags[ $flag ] ) ? (int) $flags[ $flag ] : 0;
		if ( $percent >= 100 ) {
			$enabled = true;
		} elseif ( $percent <= 0 ) {
			$enabled = false;
		} else {
			if ( null === $key && function_exists( 'get_current_user_id' ) && get_current_user_id() > 0 ) {
				$key = get_current_user_id();
			}
			$enabled = null !== $key && pet_rollout_bucket( (string) $flag, (string) $key ) < $percent * 100;
		}
		/** Filters a cut-over flag (feature flag for staged rollout). */
		return (bool) apply_filters( 'pet_cutover_enabled', $enabled, $flag, $key );
	}
}

if ( ! function_exists( 'pet_rollout_bucket' ) ) {
	/**
	 * The stable bucket (0 to 9999) of a key for a cut-over flag: the engine's own function
	 * when the extension is loaded, else the same formula (first 6 bytes of
	 * SHA-256(flag NUL key), big-endian, modulo 10000).
	 *
	 * @param string $flag Cut-over name.
	 * @param string $key  Rollout key.
	 * @return int
	 */
	function pet_rollout_bucket( $flag, $key ) {
		// The extension takes C strings of UTF-8; anything else is hashed here, the same way.
		if ( function_exists( 'pet_migrate_rollout_bucket' ) && false === strpos( $flag . $key, "\0" ) && 1 === preg_match( '//u', $flag . $key ) ) {
			return pet_migrate_rollout_bucket( $flag, $key );
		}
		return (int) ( hexdec( substr( hash( 'sha256', $flag . "\0" . $key ), 0, 12 ) ) % 10000 );
	}
}
