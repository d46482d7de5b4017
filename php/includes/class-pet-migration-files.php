<?php
/**
 * Knows which migrations the code ships, cheaply.
 *
 * @package PET
 */

defined( 'ABSPATH' ) || exit;

/**
 * The newest migration version in PET_MIGRATIONS_DIR, without reading the directory on
 * ordinary requests.
 *
 * The answer is cached in an autoloaded option under a "code key": the plugin version plus
 * the modification time of the migrations directory. A plugin update changes the version;
 * a git checkout, an rsync or an FTP upload that adds, removes or renames a migration file
 * changes the directory's mtime. So every kind of deployment changes the key, and checking
 * the key costs one stat() and no database query.
 */
class Pet_Migration_Files {

	/** Option name (autoloaded). */
	const OPTION = 'pet_migrate_code';

	/** File names the engine accepts: VERSION_NAME.json. */
	const PATTERN = '/^(\d{4}_\d{2}_\d{2}_\d{4})_([a-z0-9]+(?:_[a-z0-9]+)*)\.json$/';

	/**
	 * A directory modified less than this many seconds ago may still be being written by a
	 * deployment: its scan is used but not cached (mtime has a resolution of one second).
	 */
	const SETTLE_SECONDS = 2;

	/**
	 * The code key of the running code.
	 *
	 * @return string
	 */
	public static function key() {
		$mtime = @filemtime( PET_MIGRATIONS_DIR ); // phpcs:ignore WordPress.PHP.NoSilencedErrors -- a missing dir is reported by the engine.
		return PET_VERSION . '|' . ( false === $mtime ? 'missing' : (string) $mtime );
	}

	/**
	 * The newest migration version the code ships, or null if there is none.
	 *
	 * @param string|null $key Code key (computed if not given).
	 * @return string|null
	 */
	public static function newest_version( $key = null ) {
		$key    = null === $key ? self::key() : $key;
		$cached = get_option( self::OPTION );
		if ( is_array( $cached ) && isset( $cached['key'] ) && $cached['key'] === $key ) {
			return $cached['newest'];
		}

		$newest = self::scan_newest();
		$mtime  = @filemtime( PET_MIGRATIONS_DIR ); // phpcs:ignore WordPress.PHP.NoSilencedErrors
		if ( false !== $mtime && time() - $mtime >= self::SETTLE_SECONDS ) {
			$value = array(
				'key'    => $key,
				'newest' => $newest,
			);
			if ( false === $cached ) {
				add_option( self::OPTION, $value, '', 'yes' );
			} else {
				update_option( self::OPTION, $value );
			}
		}
		return $newest;
	}

	/**
	 * Reads the directory.
	 *
	 * @return string|null
	 */
	public static function scan_newest() {
		$newest = null;
		foreach ( self::scan() as $migration ) {
			$newest = $migration['version'];
		}
		return $newest;
	}

	/**
	 * The well-named migration files, in version order.
	 *
	 * @return array[] Each: version, name, file.
	 */
	public static function scan() {
		$files = glob( PET_MIGRATIONS_DIR . '/*.json' );
		$found = array();
		foreach ( is_array( $files ) ? $files : array() as $file ) {
			if ( preg_match( self::PATTERN, basename( $file ), $m ) ) {
				$found[ $m[1] ] = array(
					'version' => $m[1],
					'name'    => $m[2],
					'file'    => $file,
				);
			}
		}
		ksort( $found, SORT_STRING );
		return array_values( $found );
	}

	/**
	 * Forgets the cached answer (used on uninstall and after a plugin update).
	 */
	public static function forget() {
		delete_option( self::OPTION );
	}
}
