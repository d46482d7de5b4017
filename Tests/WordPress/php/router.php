<?php
/**
 * Router for `php -S 127.0.0.1:PORT router.php`, run from a test site's directory: what
 * Apache's WordPress rewrite rules do (single site and subdirectory multisite).
 *
 *   /wp-admin                      -> 301 /wp-admin/   (also /site2/wp-admin)
 *   /site2/wp-admin/..., /site2/x.php -> the core file (multisite subdirectory paths)
 *   existing directory             -> its index.php
 *   anything else                  -> index.php (pretty permalinks, /wp-json/ REST)
 *
 * Runs at global scope: WordPress must be loaded there.
 */

$pet_root = rtrim( $_SERVER['DOCUMENT_ROOT'], '/' );
$pet_path = rawurldecode( (string) parse_url( $_SERVER['REQUEST_URI'], PHP_URL_PATH ) );

if ( preg_match( '#^(/[_0-9a-zA-Z-]+)?/wp-admin$#', $pet_path ) ) {
	$pet_query = (string) parse_url( $_SERVER['REQUEST_URI'], PHP_URL_QUERY );
	header( 'Location: ' . $pet_path . '/' . ( '' === $pet_query ? '' : '?' . $pet_query ), true, 301 );
	return true;
}

if ( ! file_exists( $pet_root . $pet_path ) ) {
	if ( preg_match( '#^/[_0-9a-zA-Z-]+(/wp-(?:content|admin|includes).*)$#', $pet_path, $pet_m ) || preg_match( '#^/[_0-9a-zA-Z-]+(/[^/]*\.php)$#', $pet_path, $pet_m ) ) {
		$pet_path = $pet_m[1];
	}
}

$pet_file = $pet_root . $pet_path;
if ( is_dir( $pet_file ) ) {
	$pet_path = rtrim( $pet_path, '/' ) . '/index.php';
	$pet_file = $pet_root . $pet_path;
}

if ( ! is_file( $pet_file ) ) {
	$pet_path = '/index.php';
	$pet_file = $pet_root . $pet_path;
}

if ( '.php' !== substr( $pet_file, -4 ) ) {
	$pet_types = array(
		'css'   => 'text/css',
		'js'    => 'application/javascript',
		'png'   => 'image/png',
		'gif'   => 'image/gif',
		'jpg'   => 'image/jpeg',
		'svg'   => 'image/svg+xml',
		'woff'  => 'font/woff',
		'woff2' => 'font/woff2',
		'ttf'   => 'font/ttf',
		'json'  => 'application/json',
	);
	$pet_ext = strtolower( pathinfo( $pet_file, PATHINFO_EXTENSION ) );
	header( 'Content-Type: ' . ( $pet_types[ $pet_ext ] ?? 'application/octet-stream' ) );
	header( 'Content-Length: ' . filesize( $pet_file ) );
	readfile( $pet_file );
	return true;
}

$_SERVER['SCRIPT_NAME']     = $pet_path;
$_SERVER['PHP_SELF']        = $pet_path;
$_SERVER['SCRIPT_FILENAME'] = $pet_file;
chdir( dirname( $pet_file ) );
unset( $pet_root, $pet_m, $pet_types, $pet_ext, $pet_query );
$pet_router_file = $pet_file;
unset( $pet_file, $pet_path );
require $pet_router_file;
