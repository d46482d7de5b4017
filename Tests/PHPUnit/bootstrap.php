<?php
/**
 * PHPUnit bootstrap for PET's unit tests: the plugin's decision logic (deployment key, upgrade
 * policy, gate, messages, failure mail) tested on its own, as WordPress plugins test such
 * code, beside the end-to-end suite in Tests/WordPress that runs it inside real WordPress.
 *
 * WordPress's real hook API is loaded from Debian's wordpress package (filters work as in a
 * site); translation functions return the text as WordPress does without a translation. The
 * real pet_migrate extension is used when PHP has it loaded (make test-php-unit loads it).
 */

define( 'ABSPATH', rtrim( getenv( 'PET_WP_SOURCE' ) ?: '/usr/share/wordpress', '/' ) . '/' );
define( 'PET_VERSION', '0.1.0' );
define( 'PET_PLUGIN_BASENAME', 'pet/pet.php' );
define( 'PET_MIGRATIONS_DIR', __DIR__ . '/../../php/migrations' );

require_once ABSPATH . 'wp-includes/plugin.php';

// Without a loaded translation WordPress returns the text itself; so do these.
function __( $text, $domain = 'default' ) {
	return $text;
}

function _n( $single, $plural, $number, $domain = 'default' ) {
	return 1 === (int) $number ? $single : $plural;
}

function wp_json_encode( $data ) {
	return json_encode( $data );
}

$pet_includes = __DIR__ . '/../../php/includes/';
foreach ( array( 'class-pet-engine.php', 'class-pet-state.php', 'class-pet-migration-files.php', 'class-pet-upgrade-policy.php', 'class-pet-gate.php', 'class-pet-messages.php', 'class-pet-failure-mail.php' ) as $pet_file ) {
	require_once $pet_includes . $pet_file;
}
unset( $pet_includes, $pet_file );

// Options in memory, for the tests of the state mirror (Pet_State reads and writes one option).
$GLOBALS['pet_test_options'] = array();
function get_option( $name, $default_value = false ) {
	return array_key_exists( $name, $GLOBALS['pet_test_options'] ) ? $GLOBALS['pet_test_options'][ $name ] : $default_value;
}
function add_option( $name, $value = '', $deprecated = '', $autoload = 'yes' ) {
	$GLOBALS['pet_test_options'][ $name ] = $value;
	return true;
}
function update_option( $name, $value, $autoload = null ) {
	$GLOBALS['pet_test_options'][ $name ] = $value;
	return true;
}
function wp_cache_delete( $key, $group = '' ) {
	return true; // The options above have no cache in front of them.
}
function get_current_user_id() {
	return (int) ( $GLOBALS['pet_test_user_id'] ?? 0 );
}
require_once __DIR__ . '/../../php/includes/functions.php';
