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
	 * Whether an explicit cut-over (reading from a new structure populated alongside the
	 * old one) has been made. Cut-overs are recorded by the engine; until one is reported,
	 * code keeps using the old structure.
	 *
	 * @param string $flag Cut-over name, as the migration declares it.
	 * @return bool
	 */
	function pet_cutover_enabled( $flag ) {
		$cutovers = Pet_State::get()['cutovers'];
		$enabled  = is_array( $cutovers ) && ( in_array( $flag, $cutovers, true ) || ! empty( $cutovers[ $flag ] ) );
		/** Filters a cut-over flag (feature flag for staged rollout). */
		return (bool) apply_filters( 'pet_cutover_enabled', $enabled, $flag );
	}
}
