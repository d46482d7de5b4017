<?php
/**
 * Installs WordPress into a prepared test-site directory (wp-config.php and
 * pet-test-site.json already written), non-interactively, with wp_install().
 *
 *   php install-site.php SITE_DIR           single site (and the users the tests need)
 *   php install-site.php SITE_DIR network   then turns it into a subdirectory network
 *                                           (the caller adds the MULTISITE constants after)
 */

$pet_site_dir = rtrim( $argv[1], '/' );
$pet_site     = json_decode( file_get_contents( $pet_site_dir . '/pet-test-site.json' ), true );
$pet_network  = ( $argv[2] ?? '' ) === 'network';

$_SERVER['HTTP_HOST']   = $pet_site['host'];
$_SERVER['SERVER_NAME'] = '127.0.0.1';
$_SERVER['SERVER_PORT'] = (string) $pet_site['port'];
$_SERVER['REQUEST_URI'] = '/wp-admin/install.php';

define( 'WP_INSTALLING', true );
require $pet_site_dir . '/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/upgrade.php';

if ( ! $pet_network ) {
	$pet_result = wp_install( 'PET test site', 'admin', 'admin@example.org', false, '', $pet_site['admin_password'] );
	update_option( 'siteurl', $pet_site['url'] );
	update_option( 'home', $pet_site['url'] );
	update_option( 'permalink_structure', '/%postname%/' );
	update_option( 'blog_public', '0' );
	wp_insert_user(
		array(
			'user_login' => 'subscriber',
			'user_pass'  => $pet_site['subscriber_password'],
			'user_email' => 'subscriber@example.org',
			'role'       => 'subscriber',
		)
	);
	echo json_encode( array( 'user_id' => $pet_result['user_id'] ) ), "\n";
	exit( 0 );
}

require_once ABSPATH . 'wp-admin/includes/network.php';
// As wp-admin/network.php does: name the network tables before creating them.
foreach ( $wpdb->tables( 'ms_global' ) as $pet_table => $pet_prefixed_table ) {
	$wpdb->$pet_table = $pet_prefixed_table;
}
install_network();
$pet_result = populate_network( 1, $pet_site['host'], 'admin@example.org', 'PET test network', '/', false );
if ( is_wp_error( $pet_result ) ) {
	fwrite( STDERR, $pet_result->get_error_message() . "\n" );
	exit( 1 );
}
echo json_encode( array( 'network' => true ) ), "\n";
