<?php
/**
 * Runs PHP code (read from STDIN) inside a test site's WordPress, loaded at global scope like
 * a real request, and prints what the code returns as JSON after a marker line.
 *
 *   php [-d extension=...] wp-eval.php SITE_DIR [REQUEST_URI]  < code.php-fragment
 *
 * Environment: PET_EVAL_ADMIN=1 loads wp-admin's includes (as an admin request would);
 * PET_EVAL_USER=login sets the current user (after WordPress has loaded; with
 * PET_EVAL_USER_AT_INIT=1 already before init, as a logged-in page); PET_WP_CLI_STANDIN=1 loads the WP-CLI stand-in
 * (and defines WP_CLI) before WordPress, as `wp` itself would; PET_WP_CLI_STANDIN_FILE picks
 * another copy of it.
 */

$pet_site_dir = rtrim( $argv[1], '/' );
$pet_site     = json_decode( file_get_contents( $pet_site_dir . '/pet-test-site.json' ), true );

$_SERVER['HTTP_HOST']       = $pet_site['host'];
$_SERVER['SERVER_NAME']     = '127.0.0.1';
$_SERVER['SERVER_PORT']     = (string) $pet_site['port'];
$_SERVER['REQUEST_URI']     = $argv[2] ?? '/';
$_SERVER['REQUEST_METHOD']  = 'GET';
$_SERVER['REMOTE_ADDR']     = '127.0.0.1';
$_SERVER['SERVER_PROTOCOL'] = 'HTTP/1.1';

if ( getenv( 'PET_WP_CLI_STANDIN' ) ) {
	// PET_WP_CLI_STANDIN_FILE: another stand-in (e.g. an older commit's), to compare.
	require getenv( 'PET_WP_CLI_STANDIN_FILE' ) ?: __DIR__ . '/wp-cli-standin.php';
}
if ( getenv( 'PET_EVAL_ADMIN' ) ) {
	define( 'WP_ADMIN', true );
}
if ( getenv( 'PET_EVAL_USER' ) && getenv( 'PET_EVAL_USER_AT_INIT' ) ) {
	// The user is known before init, as on a real logged-in request (a pre-set hook, which
	// WordPress takes over when it loads its plugin API).
	$GLOBALS['wp_filter']['plugins_loaded'][0][] = array(
		'function'      => function () {
			wp_set_current_user( get_user_by( 'login', getenv( 'PET_EVAL_USER' ) )->ID );
		},
		'accepted_args' => 0,
	);
}

$pet_code = stream_get_contents( STDIN );

require $pet_site_dir . '/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/plugin.php';
require_once ABSPATH . 'wp-admin/includes/upgrade.php';
require_once ABSPATH . 'wp-admin/includes/user.php';
if ( getenv( 'PET_EVAL_ADMIN' ) ) {
	require_once ABSPATH . 'wp-admin/includes/admin.php';
}
if ( getenv( 'PET_EVAL_USER' ) ) {
	wp_set_current_user( get_user_by( 'login', getenv( 'PET_EVAL_USER' ) )->ID );
}

$pet_result = ( function () use ( $pet_code ) {
	return eval( $pet_code ); // phpcs:ignore Squiz.PHP.Eval -- test harness.
} )();
echo "\n@@PET-RESULT@@" . json_encode( $pet_result ) . "\n";
