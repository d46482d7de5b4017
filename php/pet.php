<?php
/**
 * Plugin Name:       PET
 * Plugin URI:        https://example.org/pet
 * Description:       Projects, estimates and tasks. Its database schema is evolved by PET Migrate: migrations run once, automatically, on activation and upgrade, never half-apply and never lose data.
 * Version:           0.1.0
 * Requires at least: 6.1
 * Requires PHP:      8.2
 * Author:            The PET developers
 * License:           GPL-2.0-or-later
 * License URI:       https://www.gnu.org/licenses/gpl-2.0.html
 * Text Domain:       pet
 * Domain Path:       /languages
 * Network:           false
 *
 * @package PET
 */

defined( 'ABSPATH' ) || exit;

/** The plugin's own version. Changing it invalidates the cached "newest shipped migration". */
define( 'PET_VERSION', '0.1.0' );
define( 'PET_PLUGIN_FILE', __FILE__ );
define( 'PET_PLUGIN_DIR', __DIR__ );
define( 'PET_PLUGIN_BASENAME', plugin_basename( __FILE__ ) );

if ( ! defined( 'PET_MIGRATIONS_DIR' ) ) {
	/** The migrations the code ships: VERSION_NAME.json files read by the PET Migrate engine. */
	define( 'PET_MIGRATIONS_DIR', __DIR__ . '/migrations' );
}

require_once __DIR__ . '/includes/class-pet-engine.php';
require_once __DIR__ . '/includes/class-pet-db-config.php';
require_once __DIR__ . '/includes/class-pet-state.php';
require_once __DIR__ . '/includes/class-pet-migration-files.php';
require_once __DIR__ . '/includes/class-pet-upgrade-policy.php';
require_once __DIR__ . '/includes/class-pet-messages.php';
require_once __DIR__ . '/includes/class-pet-runner.php';
require_once __DIR__ . '/includes/class-pet-background-runner.php';
require_once __DIR__ . '/includes/class-pet-network-queue.php';
require_once __DIR__ . '/includes/class-pet-network-status.php';
require_once __DIR__ . '/includes/class-pet-lifecycle.php';
require_once __DIR__ . '/includes/class-pet-network.php';
require_once __DIR__ . '/includes/class-pet-gate.php';
require_once __DIR__ . '/includes/class-pet-status-view.php';
require_once __DIR__ . '/includes/class-pet-notices.php';
require_once __DIR__ . '/includes/class-pet-engine-notice.php';
require_once __DIR__ . '/includes/class-pet-admin-page.php';
require_once __DIR__ . '/includes/class-pet-cutover-controls.php';
require_once __DIR__ . '/includes/class-pet-rest.php';
require_once __DIR__ . '/includes/class-pet-projects.php';
require_once __DIR__ . '/includes/class-pet-failure-mail.php';
require_once __DIR__ . '/includes/class-pet-site-health.php';
require_once __DIR__ . '/includes/functions.php';

register_activation_hook( __FILE__, array( 'Pet_Lifecycle', 'on_activation' ) );
register_deactivation_hook( __FILE__, array( 'Pet_Lifecycle', 'on_deactivation' ) );

Pet_Lifecycle::register();
Pet_Network::register();
Pet_Background_Runner::register();
Pet_Network_Queue::register();
Pet_Gate::register();
Pet_Notices::register();
Pet_Engine_Notice::register();
Pet_Admin_Page::register();
Pet_Cutover_Controls::register();
Pet_Rest::register();
Pet_Projects::register();
Pet_Failure_Mail::register();
Pet_Site_Health::register();

if ( defined( 'WP_CLI' ) && WP_CLI ) {
	require_once __DIR__ . '/includes/class-pet-cli-command.php';
	WP_CLI::add_command( 'pet migrate', 'Pet_CLI_Command' );
}
