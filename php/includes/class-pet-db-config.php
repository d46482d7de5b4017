<?php
/**
 * Builds the engine configuration from WordPress's own database settings.
 *
 * @package PET
 */

defined( 'ABSPATH' ) || exit;

/**
 * DB_HOST, DB_USER, DB_PASSWORD, DB_NAME and the site's table prefix → engine config.
 */
class Pet_DB_Config {

	/** Bounded wait for the migration lock on activation, WP-CLI and the Retry action. */
	const LOCK_TIMEOUT = 5;

	/**
	 * The engine configuration for one site of this installation.
	 *
	 * @param int|null $blog_id Site ID on multisite (null: the current site).
	 * @param array    $extra   Keys to add or override (lock_timeout_seconds, events_limit).
	 * @return array
	 */
	public static function for_site( $blog_id = null, array $extra = array() ) {
		global $wpdb;

		$config = array_merge(
			array(
				'database'             => self::database( defined( 'DB_HOST' ) ? DB_HOST : 'localhost' ),
				'prefix'               => $wpdb->get_blog_prefix( $blog_id ),
				'migrations_dir'       => PET_MIGRATIONS_DIR,
				'lock_timeout_seconds' => self::LOCK_TIMEOUT,
			),
			$extra
		);

		/**
		 * Filters the configuration handed to the PET Migrate engine.
		 *
		 * @param array    $config  Engine configuration (contains the database password).
		 * @param int|null $blog_id Site ID, or null for the current site.
		 */
		return apply_filters( 'pet_migrate_config', $config, $blog_id );
	}

	/**
	 * The "database" member: DB_HOST read exactly as wpdb::parse_db_host() reads it
	 * (host, host:port, host:/socket, :/socket, IPv6 with or without [brackets]:port).
	 *
	 * @param string $db_host A DB_HOST value.
	 * @return array
	 */
	public static function database( $db_host ) {
		$database = array(
			'driver'   => 'mariadb',
			'host'     => 'localhost',
			'user'     => defined( 'DB_USER' ) ? DB_USER : '',
			'password' => defined( 'DB_PASSWORD' ) ? DB_PASSWORD : '',
			'name'     => defined( 'DB_NAME' ) ? DB_NAME : '',
		);

		$parsed = self::parse_host( $db_host );
		if ( false === $parsed ) {
			// Leave the value as is: the engine answers PET_CONFIG and names the problem.
			$database['host'] = (string) $db_host;
			return $database;
		}
		list( $host, $port, $socket ) = $parsed;

		// An empty host is what mysqli treats as "localhost" (the Unix socket).
		$database['host'] = ( '' === $host ) ? 'localhost' : $host;
		if ( null !== $port ) {
			$database['port'] = (int) $port;
		}
		if ( null === $socket && 'localhost' === $database['host'] ) {
			// "localhost" means the socket; use the one PHP's MySQL drivers are configured with.
			$default = (string) ini_get( 'mysqli.default_socket' );
			$socket  = ( '' !== $default ) ? $default : null;
		}
		if ( null !== $socket && '' !== $socket ) {
			$database['socket'] = $socket;
		}
		return $database;
	}

	/**
	 * Splits a DB_HOST value the way WordPress does.
	 *
	 * @param string $db_host A DB_HOST value.
	 * @return array|false array( host, port|null, socket|null, is_ipv6 ), or false.
	 */
	public static function parse_host( $db_host ) {
		global $wpdb;
		if ( $wpdb instanceof wpdb && method_exists( $wpdb, 'parse_db_host' ) ) {
			return $wpdb->parse_db_host( (string) $db_host );
		}
		return false;
	}
}
