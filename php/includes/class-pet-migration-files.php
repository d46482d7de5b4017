<?php
/**
 * Which migrations the code ships, as the engine itself sees them.
 *
 * @package PET
 */

defined( 'ABSPATH' ) || exit;

/**
 * The migration files in PET_MIGRATIONS_DIR, listed by the engine (pet_migrate_files()): the
 * engine's own file-name rule, and per file the fingerprint the engine uses to tell whether a
 * file changed (inode, size, modification and status-change times in nanoseconds).
 *
 * Every request asks once, because a deployment can land at any moment and by any means (git,
 * rsync, FTP, the plugin updater). The engine lists the directory and stats each file without
 * opening any, so this costs a few microseconds per file and no database query (the per-file
 * entries are left out of it: see listing()). The listing's fingerprint,
 * together with the plugin's version, is the "deployment key": it changes with every file
 * added, removed, renamed or written, however close together, which a folder's whole-second
 * modification time does not.
 */
class Pet_Migration_Files {

	/**
	 * A file changed less than this many seconds ago may still be being written (an FTP upload,
	 * an rsync in progress): the request that sees it leaves the engine alone.
	 */
	const SETTLE_SECONDS = 2;

	/**
	 * A file that could not be parsed and changed less than this many seconds ago is taken for
	 * one still arriving rather than a broken release: it does not close PET's features.
	 */
	const ARRIVING_SECONDS = 30;

	/**
	 * This request's listing (null until asked), without the per-file entries.
	 *
	 * @var array|null
	 */
	private static $listing = null;

	/**
	 * This request's listing with every file (null until a message needs a file's name).
	 *
	 * @var array|null
	 */
	private static $detailed = null;

	/**
	 * The engine's listing of the migrations directory, once per request: its fingerprint,
	 * newest version, newest change and problems, without an entry per file (asked on every
	 * request; with hundreds of files, the entries would cost more than the listing).
	 *
	 * @return array Report of pet_migrate_files(); without the extension, an empty listing.
	 */
	public static function listing() {
		if ( null === self::$listing ) {
			self::$listing = self::read( PET_MIGRATIONS_DIR, false );
		}
		return self::$listing;
	}

	/**
	 * Asks the engine to list a migrations directory.
	 *
	 * @param string $directory Migrations directory.
	 * @param bool   $files     Whether the listing names every file ("files").
	 * @return array
	 */
	public static function read( $directory, $files = true ) {
		if ( ! function_exists( 'pet_migrate_files' ) ) {
			return self::empty_listing( 'no-engine' );
		}
		try {
			$listing = pet_migrate_files(
				array(
					'migrations_dir' => (string) $directory,
					'report_files'   => (bool) $files,
				)
			);
		} catch ( \Throwable $e ) {
			return self::empty_listing( 'engine-error' );
		}
		return is_array( $listing ) && isset( $listing['fingerprint'] ) ? array_merge( self::empty_listing( '' ), $listing ) : self::empty_listing( 'engine-error' );
	}

	/**
	 * A listing for when the engine cannot list (its fingerprint names why).
	 *
	 * @param string $why Fingerprint to use.
	 * @return array
	 */
	public static function empty_listing( $why ) {
		return array(
			'result'         => 5,
			'files'          => array(),
			'file_count'     => 0,
			'problems'       => array(),
			'newest_version' => null,
			'fingerprint'    => $why,
			'newest_change'  => null,
			'listed_at'      => null,
		);
	}

	/**
	 * The deployment key of the running code.
	 *
	 * @param array|null $listing Listing (default: this request's).
	 * @return string
	 */
	public static function key( $listing = null ) {
		return self::key_for( PET_VERSION, null === $listing ? self::listing() : $listing );
	}

	/**
	 * The deployment key of a plugin version and a listing: it changes when either does.
	 *
	 * @param string $plugin_version Plugin version.
	 * @param array  $listing        Listing.
	 * @return string
	 */
	public static function key_for( $plugin_version, array $listing ) {
		return $plugin_version . '|' . (string) $listing['fingerprint'];
	}

	/**
	 * The newest migration version the code ships, or null.
	 *
	 * @param array|null $listing Listing (default: this request's).
	 * @return string|null
	 */
	public static function newest_version( $listing = null ) {
		$listing = null === $listing ? self::listing() : $listing;
		return isset( $listing['newest_version'] ) ? (string) $listing['newest_version'] : null;
	}

	/**
	 * Seconds since the newest change of a listed file, by the engine's clock (null if unknown).
	 *
	 * @param array $listing Listing.
	 * @return float|null
	 */
	public static function seconds_since_change( array $listing ) {
		if ( empty( $listing['newest_change'] ) || empty( $listing['listed_at'] ) ) {
			return null;
		}
		return max( 0.0, (float) $listing['listed_at'] - (float) $listing['newest_change'] );
	}

	/**
	 * Whether a deployment may still be writing files (a file changed moments ago).
	 *
	 * @param array $listing Listing.
	 * @param float $settle  Seconds.
	 * @return bool
	 */
	public static function is_settling( array $listing, $settle = self::SETTLE_SECONDS ) {
		$since = self::seconds_since_change( $listing );
		return null !== $since && $since < $settle;
	}

	/**
	 * Whether an invalid report only says that recently changed files cannot be parsed yet:
	 * what a file that is still arriving looks like.
	 *
	 * @param array $report  Engine report (PET_INVALID).
	 * @param array $listing Listing taken before the run.
	 * @return bool
	 */
	public static function looks_like_arriving( array $report, array $listing ) {
		if ( Pet_Engine::INVALID !== (int) ( $report['result'] ?? -1 ) ) {
			return false;
		}
		$problems = ! empty( $report['problems'] ) ? $report['problems'] : ( is_array( $report['error'] ?? null ) ? array( $report['error'] ) : array() );
		if ( ! $problems ) {
			return false;
		}
		foreach ( $problems as $problem ) {
			if ( ! in_array( $problem['kind'] ?? '', array( 'syntax', 'unreadable' ), true ) ) {
				return false;
			}
		}
		$since = self::seconds_since_change( $listing );
		return null !== $since && $since < self::ARRIVING_SECONDS;
	}

	/**
	 * The name of a shipped migration version, or null.
	 *
	 * @param string $version Version.
	 * @return string|null
	 */
	public static function name_of( $version ) {
		if ( null === self::$detailed ) {
			self::$detailed = self::read( PET_MIGRATIONS_DIR );
		}
		foreach ( (array) self::$detailed['files'] as $file ) {
			if ( ( $file['version'] ?? null ) === $version ) {
				return $file['name'];
			}
		}
		return null;
	}

	/**
	 * Forgets this request's listing (after files changed under it, e.g. a plugin update).
	 */
	public static function forget() {
		self::$listing  = null;
		self::$detailed = null;
	}
}
