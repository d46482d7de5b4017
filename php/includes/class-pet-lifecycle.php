<?php
/**
 * Activation, halted activation, and upgrade detection.
 *
 * @package PET
 */

defined( 'ABSPATH' ) || exit;

/**
 * When migrations run: on activation, after a plugin update, and on the first request after
 * any deployment that ships a newer migration (git, rsync, FTP) — never on ordinary requests.
 *
 * A failed activation cannot show a notice from the activation hook (the plugin would be
 * inactive, so WordPress never loads it to render one) and must not throw (WordPress would
 * load ?action=error_scrape, which runs the hook a second time). So the hook records the
 * failure and returns; on the next admin page an administrator loads, the plugin deactivates
 * itself and shows the notice. Until then the maintenance gate keeps PET's features shut.
 */
class Pet_Lifecycle {

	/** Network option: the sites whose migration failed during a network activation. */
	const NETWORK_FAILURE_OPTION = 'pet_migrate_network_activation_failure';

	/** Seconds before an automatic attempt that could not run (lock, config, invalid set) is repeated. */
	const RETRY_SECONDS = 60;

	/**
	 * What the current request halted, for Pet_Notices (null when nothing was halted).
	 *
	 * @var array|null
	 */
	public static $halted = null;

	/**
	 * Hooks.
	 */
	public static function register() {
		add_action( 'init', array( __CLASS__, 'load_textdomain' ), 1 );
		add_action( 'init', array( __CLASS__, 'maybe_upgrade' ), 5 );
		add_action( 'admin_init', array( __CLASS__, 'complete_halted_activation' ), 0 );
		add_action( 'activated_plugin', array( __CLASS__, 'on_activated_plugin' ), 10, 2 );
		add_action( 'upgrader_process_complete', array( __CLASS__, 'on_upgrader_process_complete' ), 10, 2 );
	}

	/**
	 * Translations: languages/pet-LOCALE.mo in the plugin, or WordPress's language packs.
	 */
	public static function load_textdomain() {
		load_plugin_textdomain( 'pet', false, dirname( PET_PLUGIN_BASENAME ) . '/languages' );
	}

	/**
	 * The activation hook.
	 *
	 * @param bool $network_wide Whether the plugin is being network-activated.
	 */
	public static function on_activation( $network_wide = false ) {
		// WordPress re-runs the activation hook inside ?action=error_scrape to show the output of
		// a failed activation. A migration must not run twice because of it.
		if ( isset( $_GET['action'] ) && 'error_scrape' === $_GET['action'] ) { // phpcs:ignore WordPress.Security.NonceVerification -- only a guard; core checked the nonce.
			return;
		}

		$key = Pet_Migration_Files::key();
		if ( is_multisite() && $network_wide ) {
			// The main site in this request: a migration set that cannot be applied halts the
			// activation as on a single site. Every other site is migrated in slices
			// (Pet_Network_Queue), or on its first request, whichever comes first; a network
			// of a thousand sites does not keep this request open.
			$failed  = array();
			$blog_id = get_main_site_id();
			$report  = Pet_Runner::run_site( 'activation', $blog_id, array(), $key );
			$ok      = Pet_Engine::is_success( $report['result'] );
			switch_to_blog( $blog_id );
			Pet_State::set_activation_failure( ! $ok );
			restore_current_blog();
			if ( ! $ok ) {
				$failed[ $blog_id ] = self::summary( $report );
			} else {
				Pet_Network_Queue::start( 'network-activation', $key );
			}
			if ( $failed ) {
				update_site_option(
					self::NETWORK_FAILURE_OPTION,
					array(
						'sites' => $failed,
						'at'    => time(),
					)
				);
			} else {
				delete_site_option( self::NETWORK_FAILURE_OPTION );
			}
			return;
		}

		$report = Pet_Runner::run_site( 'activation', null, array(), $key );
		Pet_State::set_activation_failure( ! Pet_Engine::is_success( $report['result'] ) );
	}

	/**
	 * The deactivation hook. PET keeps all its data (tables, registry, state) so that
	 * activating it again finds everything as it was; it only drops the directory cache that
	 * version 0.1.0 kept (a newer PET lists the directory through the engine instead).
	 */
	public static function on_deactivation() {
		delete_option( 'pet_migrate_code' );
	}

	/**
	 * Under WP-CLI nobody loads an admin page next: deactivate at once (after WordPress has
	 * marked the plugin active) and end the command with an error whose exit code is the
	 * engine's result code. Without this, `wp plugin activate pet` would report "Success"
	 * and exit 0 (it counts the activate_plugin() call, not whether the plugin stayed
	 * active), and a deploy script could not tell. WP_CLI::error() prints even under --quiet.
	 *
	 * @param string $plugin       Plugin basename.
	 * @param bool   $network_wide Network activation.
	 */
	public static function on_activated_plugin( $plugin, $network_wide ) {
		if ( PET_PLUGIN_BASENAME !== $plugin || ! ( defined( 'WP_CLI' ) && WP_CLI ) ) {
			return;
		}
		$halted = self::halt( (bool) $network_wide );
		if ( null === $halted || ! class_exists( 'WP_CLI' ) ) {
			return;
		}
		$worst = Pet_Engine::OK;
		$parts = array();
		foreach ( $halted['sites'] as $blog_id => $summary ) {
			$worst = max( $worst, (int) $summary['result'] );
			$text  = Pet_Messages::plain( 'halted', $summary['error'], $summary['result'], 'cli-inactive', $halted['network'], $summary['message'] );
			if ( $halted['network'] ) {
				/* translators: 1: site ID, 2: site address. */
				$text = sprintf( __( 'Site %1$d (%2$s):', 'pet' ), $blog_id, get_home_url( $blog_id, '/' ) ) . "\n" . $text;
			}
			$parts[] = $text;
		}
		WP_CLI::error( implode( "\n", $parts ), max( 1, $worst ) );
	}

	/**
	 * On the first admin page an administrator loads after a failed activation: deactivate
	 * and keep the details for the notice.
	 */
	public static function complete_halted_activation() {
		if ( wp_doing_ajax() || ( isset( $GLOBALS['pagenow'] ) && 'admin-post.php' === $GLOBALS['pagenow'] ) ) {
			return;
		}
		$network_active = Pet_Network::is_network_active();
		if ( $network_active ) {
			if ( ! is_network_admin() || ! current_user_can( 'manage_network_plugins' ) ) {
				return;
			}
		} elseif ( ! current_user_can( 'activate_plugins' ) ) {
			return;
		}

		$halted = self::halt( $network_active );
		if ( null !== $halted ) {
			self::$halted = $halted;
			// Core would otherwise print "Plugin activated." on the page we redirect to.
			unset( $_GET['activate'], $_GET['activate-multi'] );
		}
	}

	/**
	 * Deactivates PET if its activation failed.
	 *
	 * @param bool $network_wide Whether PET is (being) network-activated.
	 * @return array|null What was halted: array( 'network' => bool, 'sites' => array( blog_id => summary ) ).
	 */
	private static function halt( $network_wide ) {
		if ( $network_wide ) {
			$failure = get_site_option( self::NETWORK_FAILURE_OPTION );
			if ( ! is_array( $failure ) || empty( $failure['sites'] ) ) {
				return null;
			}
			// Sites fixed meanwhile (Retry, WP-CLI) no longer count.
			$still_failing = array();
			foreach ( $failure['sites'] as $blog_id => $summary ) {
				$state = get_blog_option( (int) $blog_id, Pet_State::OPTION );
				if ( is_array( $state ) && ! empty( $state['activation_failure'] ) ) {
					$still_failing[ $blog_id ] = $summary;
				}
			}
			delete_site_option( self::NETWORK_FAILURE_OPTION );
			if ( ! $still_failing ) {
				return null;
			}
			deactivate_plugins( PET_PLUGIN_BASENAME, true, true );
			foreach ( array_keys( $still_failing ) as $blog_id ) {
				switch_to_blog( (int) $blog_id );
				Pet_State::set_activation_failure( false );
				restore_current_blog();
			}
			$failure['sites'] = $still_failing;
			return array(
				'network' => true,
				'sites'   => $failure['sites'],
			);
		}

		$state = Pet_State::get();
		if ( ! $state['activation_failure'] ) {
			return null;
		}
		deactivate_plugins( PET_PLUGIN_BASENAME, true, false );
		Pet_State::set_activation_failure( false );
		return array(
			'network' => false,
			'sites'   => array( get_current_blog_id() => self::summary( $state ) ),
		);
	}

	/**
	 * Upgrade detection, early on every request, at no database query of its own: the state
	 * comes from an autoloaded option, and the engine lists the migrations directory (one
	 * stat per file, no file opened) to compute the deployment key. An admin page or WP-Cron
	 * runs what it finds; a visitor's request hands it to a background request and returns
	 * as fast as any other request (PET's features stay closed until the schema steps ran).
	 * Work that must not run before a request has answered goes to the background too: a
	 * run found on PET's own loopback, and a run that never ended (see
	 * Pet_Upgrade_Policy::RECOVER) found on an admin page.
	 */
	public static function maybe_upgrade() {
		// WP-CLI is explicit: `wp pet migrate run` migrates; `wp pet migrate status` must not.
		if ( wp_installing() || ( defined( 'WP_CLI' ) && WP_CLI ) ) {
			return;
		}
		$listing = Pet_Migration_Files::listing();
		$key     = Pet_Migration_Files::key( $listing );
		/** Filters the pause between automatic attempts that could not start. */
		$pause    = (int) apply_filters( 'pet_migrate_retry_seconds', self::RETRY_SECONDS );
		$inline   = Pet_Background_Runner::request_may_run_inline();
		$decision = Pet_Upgrade_Policy::decide( Pet_State::get(), $listing, $key, time(), $pause, $inline );
		if ( Pet_Upgrade_Policy::RUN !== $decision && Pet_Upgrade_Policy::RECOVER !== $decision ) {
			return;
		}
		if ( is_multisite() ) {
			Pet_Network_Queue::start_for_deployment( $key );
		}
		if ( Pet_Background_Runner::is_loopback_request() ) {
			// PET's loopback answers its sender first and then runs a handed-off deployment in
			// its slice (Pet_Background_Runner::handle_loopback()). Run here, at init, it would
			// run before that answer, where the web server's request timeout kills it half-way.
			Pet_State::mark_handed_off( $key, Pet_Upgrade_Policy::RECOVER === $decision );
			return;
		}
		// WP-Cron's request has answered already (wp-cron.php); an admin page has not, so a run
		// the server killed there once is not tried in the same way again.
		if ( ! $inline || ( Pet_Upgrade_Policy::RECOVER === $decision && ! wp_doing_cron() ) ) {
			// Files the engine cannot read, or an engine that is not there, need no background
			// run to say so (and a file a deployment is still writing must not close PET's
			// features): judged here, with no database, in the time it takes to parse them.
			$lint = Pet_Engine::lint( array( 'migrations_dir' => PET_MIGRATIONS_DIR ) );
			if ( in_array( $lint['result'], array( Pet_Engine::INVALID, Pet_Engine::CONFIG ), true ) ) {
				Pet_Runner::record( $lint, 'upgrade', $key, $listing );
				return;
			}
			Pet_Background_Runner::hand_off( $key, Pet_Upgrade_Policy::RECOVER === $decision );
			return;
		}
		// Never wait on the lock: another request is already migrating.
		Pet_Runner::run_site( 'upgrade', null, array( 'lock_timeout_seconds' => 0 ), $key, $listing );
	}

	/**
	 * After WordPress updated PET: apply the new migrations now (every site if network-active).
	 * The code in memory is still the old version; the engine reads the new files from disk.
	 *
	 * @param WP_Upgrader $upgrader   Upgrader.
	 * @param array       $hook_extra What was upgraded.
	 */
	public static function on_upgrader_process_complete( $upgrader, $hook_extra ) {
		if ( ! is_array( $hook_extra ) || 'plugin' !== ( $hook_extra['type'] ?? '' ) || 'update' !== ( $hook_extra['action'] ?? '' ) ) {
			return;
		}
		$plugins = isset( $hook_extra['plugins'] ) ? (array) $hook_extra['plugins'] : (array) ( $hook_extra['plugin'] ?? array() );
		if ( ! in_array( PET_PLUGIN_BASENAME, $plugins, true ) ) {
			return;
		}
		if ( ! function_exists( 'get_plugin_data' ) ) {
			require_once ABSPATH . 'wp-admin/includes/plugin.php';
		}
		// The key the new code will compute, so its first request does not try again.
		$data = get_plugin_data( PET_PLUGIN_FILE, false, false );
		Pet_Migration_Files::forget();
		$listing = Pet_Migration_Files::listing();
		$key     = Pet_Migration_Files::key_for( $data['Version'], $listing );
		// WordPress's automatic updates run from WP-Cron; anything else is someone clicking.
		$context = wp_doing_cron() ? 'auto-update' : 'update';

		// This site now; on a network, the others in slices (and each on its first request).
		Pet_Runner::run_site( $context, null, array(), $key, $listing );
		if ( Pet_Network::is_network_active() ) {
			Pet_Network_Queue::start( $context, $key );
		}
	}

	/**
	 * What a notice needs from a report or a state: message and error details.
	 *
	 * @param array $report Report or state.
	 * @return array
	 */
	public static function summary( array $report ) {
		return array(
			'result'      => isset( $report['result'] ) ? (int) $report['result'] : null,
			'result_name' => $report['result_name'] ?? null,
			'message'     => (string) ( $report['message'] ?? '' ),
			'error'       => is_array( $report['error'] ?? null ) ? $report['error'] : null,
			'mode'        => $report['mode'] ?? null,
		);
	}
}
