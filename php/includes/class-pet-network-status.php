<?php
/**
 * Multisite: every site's migration state, read in a few queries, and the network summary
 * that the network admin notice reads instead.
 *
 * @package PET
 */

defined( 'ABSPATH' ) || exit;

/**
 * Reads each site's state option straight from the sites' option tables, a hundred sites per
 * query, instead of switching to every site (which loads each site's autoloaded options: on
 * a thousand sites, hundreds of queries and megabytes per page). Only the network screen and
 * the end of a network walk do this; the notice on every network admin page reads the
 * summary kept in one network option.
 */
class Pet_Network_Status {

	/** Network option: {counts, failures (at most FAILURES_KEPT), failed, checked_at}. */
	const SUMMARY_OPTION = 'pet_migrate_network_summary';

	/** Failing sites the summary names (the network screen lists them all). */
	const FAILURES_KEPT = 20;

	/** Sites per query. */
	const SITES_PER_QUERY = 100;

	/** Order of the network screen: what needs someone first. */
	const ORDER = array(
		'failed'  => 0,
		'behind'  => 1,
		'working' => 2,
		'ready'   => 3,
	);

	/**
	 * Every site with its state and its class (failed, behind, working, ready), failures first.
	 *
	 * @return array[] Rows: blog_id, url, state, class.
	 */
	public static function sites() {
		global $wpdb;
		$sites  = $wpdb->get_results( "SELECT blog_id, domain, path FROM {$wpdb->blogs} WHERE archived = '0' AND deleted = 0 ORDER BY blog_id", ARRAY_A ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery
		$states = array();
		foreach ( array_chunk( $sites, self::SITES_PER_QUERY ) as $chunk ) {
			$parts = array();
			foreach ( $chunk as $site ) {
				$table   = $wpdb->get_blog_prefix( (int) $site['blog_id'] ) . 'options';
				$parts[] = $wpdb->prepare( "SELECT %d AS blog_id, option_value FROM `{$table}` WHERE option_name = %s", (int) $site['blog_id'], Pet_State::OPTION ); // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared
			}
			foreach ( (array) $wpdb->get_results( implode( ' UNION ALL ', $parts ), ARRAY_A ) as $row ) { // phpcs:ignore WordPress.DB.DirectDatabaseQuery, WordPress.DB.PreparedSQL.NotPrepared
				$states[ (int) $row['blog_id'] ] = maybe_unserialize( $row['option_value'] );
			}
		}
		$newest = Pet_Migration_Files::newest_version();
		$rows   = array();
		foreach ( $sites as $site ) {
			$blog_id = (int) $site['blog_id'];
			$state   = array_merge( Pet_State::defaults(), is_array( $states[ $blog_id ] ?? null ) ? $states[ $blog_id ] : array() );
			$rows[]  = array(
				'blog_id' => $blog_id,
				'url'     => set_url_scheme( 'http://' . $site['domain'] . $site['path'] ),
				'state'   => $state,
				'class'   => self::classify( $state, $newest ),
			);
		}
		usort(
			$rows,
			function ( $a, $b ) {
				return array( self::ORDER[ $a['class'] ], $a['blog_id'] ) <=> array( self::ORDER[ $b['class'] ], $b['blog_id'] );
			}
		);
		return $rows;
	}

	/**
	 * What a site's state says about it: failed (PET is closed there and only someone can
	 * open it), behind (not yet migrated to the newest shipped version), working (a run or
	 * data work is under way), ready.
	 *
	 * @param array       $state  State.
	 * @param string|null $newest Newest shipped migration.
	 * @return string
	 */
	public static function classify( array $state, $newest ) {
		$gate = Pet_Gate::decide( $state );
		if ( null !== $state['mode'] && ! $gate['open'] && ! in_array( $gate['reason'], array( 'migrating', 'blocking' ), true ) ) {
			return 'failed';
		}
		if ( in_array( $state['mode'], array( 'migrating', 'background' ), true ) ) {
			return 'working';
		}
		if ( null === $state['mode'] || ( null !== $newest && $newest !== $state['schema_version'] ) ) {
			return 'behind';
		}
		return 'ready';
	}

	/**
	 * Recomputes the summary from every site's state and stores it.
	 *
	 * @param array[]|null $rows Rows from sites(), if already read.
	 * @return array The summary.
	 */
	public static function refresh( $rows = null ) {
		$rows    = null === $rows ? self::sites() : $rows;
		$summary = array(
			'counts'     => array_fill_keys( array_keys( self::ORDER ), 0 ),
			'failures'   => array(),
			'checked_at' => time(),
		);
		foreach ( $rows as $row ) {
			++$summary['counts'][ $row['class'] ];
			if ( 'failed' === $row['class'] && count( $summary['failures'] ) < self::FAILURES_KEPT ) {
				$summary['failures'][ $row['blog_id'] ] = self::failure( $row['url'], $row['state'] );
			}
		}
		update_site_option( self::SUMMARY_OPTION, $summary );
		return $summary;
	}

	/**
	 * The stored summary (one network option read), or null before any.
	 *
	 * @param bool $fresh Read the database, not this request's cache (a long walk would
	 *                    otherwise write back a copy that other requests have changed since).
	 * @return array|null
	 */
	public static function summary( $fresh = false ) {
		$summary = Pet_Network::site_option( self::SUMMARY_OPTION, $fresh );
		return is_array( $summary ) ? $summary : null;
	}

	/**
	 * After a run on a site of a network: keeps the summary's list of failing sites in step,
	 * writing the option only when the site joined or left it.
	 *
	 * @param int $blog_id Site.
	 */
	public static function note_site( $blog_id ) {
		$summary = self::summary( true );
		if ( null === $summary ) {
			$summary = array(
				'counts'     => array(),
				'failures'   => array(),
				'checked_at' => 0,
			);
		}
		$state  = Pet_State::get();
		$failed = 'failed' === self::classify( $state, null );
		$listed = isset( $summary['failures'][ $blog_id ] );
		if ( $failed && ! $listed && count( $summary['failures'] ) < self::FAILURES_KEPT ) {
			$summary['failures'][ $blog_id ] = self::failure( home_url( '/' ), $state );
		} elseif ( ! $failed && $listed ) {
			unset( $summary['failures'][ $blog_id ] );
		} else {
			return;
		}
		update_site_option( self::SUMMARY_OPTION, $summary );
	}

	/**
	 * What the notice says about one failing site.
	 *
	 * @param string $url   Site address.
	 * @param array  $state State.
	 * @return array
	 */
	private static function failure( $url, array $state ) {
		return array(
			'url'     => $url,
			'reason'  => Pet_Gate::decide( $state )['reason'],
			'kind'    => $state['error']['kind'] ?? null,
			'result'  => $state['result'],
			'version' => $state['error']['version'] ?? null,
		);
	}
}
