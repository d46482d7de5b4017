<?php
/**
 * What PET says to people, in their words.
 *
 * @package PET
 */

defined( 'ABSPATH' ) || exit;

/**
 * Every sentence an administrator, an operator or a visitor reads about migrations. The
 * engine's own message is written for developers and its command line (it may name
 * `pet-migrate`); here the sentence is chosen by the engine's error kind and result code, is
 * translatable, and the engine's details (migration, step, reason, file) stay data, shown
 * beside it. One headline per state; advice that fits where the reader is (PET active or
 * not, wp-admin or WP-CLI, one site or a network).
 */
class Pet_Messages {

	/**
	 * The headline for why PET's features are shut (a reason of Pet_Gate::decide()).
	 *
	 * @param string $reason Reason.
	 * @return string
	 */
	public static function headline( $reason ) {
		switch ( $reason ) {
			case 'halted':
				return __( 'PET was not activated: its database could not be updated.', 'pet' );
			case 'migrating':
				return __( 'PET is updating its database.', 'pet' );
			case 'blocking':
				return __( 'PET is finishing a database update in the background.', 'pet' );
			case 'maintenance':
				return __( 'PET is paused: a database update failed and was undone.', 'pet' );
			case 'invalid':
				return __( 'PET is paused: its migration files are not valid, so no database update ran.', 'pet' );
			case 'config':
				return __( 'PET is paused: it cannot reach its database update engine or the database.', 'pet' );
			case 'locked':
				return __( 'Another process is updating PET\'s database right now.', 'pet' );
			default:
				return __( 'PET is paused until its database has been checked.', 'pet' );
		}
	}

	/**
	 * The reason a gate is shut, from a result code (for a report rather than a state).
	 *
	 * @param int $result Result code.
	 * @return string
	 */
	public static function reason_of_result( $result ) {
		$reasons = array(
			2 => 'locked',
			3 => 'maintenance',
			4 => 'invalid',
			5 => 'config',
		);
		return $reasons[ (int) $result ] ?? 'ready';
	}

	/**
	 * What went wrong, in one sentence chosen by the engine's error kind.
	 *
	 * @param string|null $kind   Error kind (see include/pet_migrate.h), or null.
	 * @param int|null    $result Result code, for kinds not listed.
	 * @return string
	 */
	public static function explanation( $kind, $result = null ) {
		switch ( (string) $kind ) {
			case 'file_name':
				return __( 'A file in PET\'s migrations folder is not named like a migration, so none ran.', 'pet' );
			case 'unreadable':
				return __( 'A migration file could not be read (check its permissions, or whether it is still being uploaded), so none ran.', 'pet' );
			case 'syntax':
				return __( 'A migration file is not valid JSON (it may be damaged or not fully uploaded), so none ran.', 'pet' );
			case 'duplicate_version':
				return __( 'Two migration files have the same version, so none ran.', 'pet' );
			case 'invalid_step':
				return __( 'A migration contains a step PET does not understand, so none ran.', 'pet' );
			case 'destructive':
				return __( 'A migration contains a step that could lose data, which PET never runs, so none ran.', 'pet' );
			case 'checksum_mismatch':
				return __( 'A migration that was already applied has been changed since, so none ran. Put back the file as it was released.', 'pet' );
			case 'missing_file':
				return __( 'A migration that was already applied is missing from PET\'s files, so none ran. Put the file back.', 'pet' );
			case 'out_of_order':
				return __( 'A new migration sorts before one that is already applied, so it cannot run. It needs a later version.', 'pet' );
			case 'table_mismatch':
			case 'missing_table':
			case 'missing_column':
				return __( 'A migration found the database different from what it expected. It stopped and was undone; your data is as it was before.', 'pet' );
			case 'lock_wait_timeout':
				return __( 'A migration waited too long for a table another process was using. It was undone; retry when the site is quieter.', 'pet' );
			case 'connection':
				return __( 'PET could not connect to the database, so nothing ran.', 'pet' );
			case 'database_error':
				return __( 'The database refused a step of a migration. It was undone; your data is as it was before.', 'pet' );
			case 'extension_missing':
				return __( 'The PET Migrate PHP extension (pet_migrate) is not loaded, so PET cannot check or update its database. Ask your host to install and enable it.', 'pet' );
			case 'extension_error':
				return __( 'The PET Migrate PHP extension did not answer as expected, so nothing ran.', 'pet' );
		}
		switch ( (int) $result ) {
			case 2:
				return __( 'Another process is updating the database right now; nothing was changed.', 'pet' );
			case 3:
				return __( 'A migration failed. It was undone; your data is as it was before.', 'pet' );
			case 4:
				return __( 'The migration files shipped with PET are not valid, so none ran.', 'pet' );
			case 5:
				return __( 'PET could not reach its database update engine or the database, so nothing ran.', 'pet' );
		}
		return '';
	}

	/**
	 * What to do next, fitting where the reader is.
	 *
	 * @param string $where One of: active (PET active, wp-admin), inactive (PET deactivated
	 *                      itself), cli-active, cli-inactive, network.
	 * @param string $reason Why the gate is shut.
	 * @param bool   $network Whether the reader acts on a whole network.
	 * @param string $url     Site address for WP-CLI's --url (one site of a multisite), or ''.
	 * @return string
	 */
	public static function advice( $where, $reason, $network = false, $url = '' ) {
		$site     = '' === $url ? '' : ' --url=' . $url;
		$activate = 'wp plugin activate pet' . ( $network ? ' --network' : $site );
		$resume   = 'wp pet migrate resume' . ( $network ? ' --network' : $site );
		if ( 'migrating' === $reason || 'blocking' === $reason || 'locked' === $reason ) {
			return __( 'Nothing to do: PET opens again by itself when the update ends.', 'pet' );
		}
		if ( 'config' === $reason ) {
			$fix = __( 'Make sure the PET Migrate extension is loaded and the database is reachable', 'pet' );
		} elseif ( 'invalid' === $reason ) {
			$fix = __( 'Fix or restore the migration file named above (usually by deploying PET again)', 'pet' );
		} else {
			$fix = __( 'Fix the cause named above', 'pet' );
		}
		switch ( $where ) {
			case 'inactive':
				/* translators: 1: what to fix, 2: a WP-CLI command. */
				return sprintf( __( '%1$s, then activate PET again (or run %2$s).', 'pet' ), $fix, $activate );
			case 'cli-inactive':
				/* translators: 1: what to fix, 2: a WP-CLI command. */
				return sprintf( __( 'PET has deactivated itself. %1$s, then run: %2$s', 'pet' ), $fix, $activate );
			case 'cli-active':
				/* translators: 1: what to fix, 2: a WP-CLI command. */
				return sprintf( __( '%1$s, then run: %2$s', 'pet' ), $fix, $resume );
			default:
				/* translators: 1: what to fix, 2: a WP-CLI command. */
				return sprintf( __( '%1$s, then click Retry (or run %2$s).', 'pet' ), $fix, $resume );
		}
	}

	/**
	 * What a visitor of PET's features is told while they are shut: it matches what will
	 * happen (a wait while migrating, an administrator otherwise).
	 *
	 * @param string $reason Why the gate is shut.
	 * @return string
	 */
	public static function visitor( $reason ) {
		if ( in_array( $reason, array( 'migrating', 'blocking', 'locked' ), true ) ) {
			return __( 'PET is being updated. Please try again in a minute.', 'pet' );
		}
		return __( 'PET is unavailable until an administrator has fixed a problem with its database update. The rest of the site works normally.', 'pet' );
	}

	/**
	 * An engine message as WordPress users can act on it: the engine names its own command
	 * line (`pet-migrate verify orders_v2`); in WordPress the same is `wp pet migrate …`.
	 *
	 * @param string $message The engine's message.
	 * @return string
	 */
	public static function engine_message_for_wordpress( $message ) {
		return str_replace( '`pet-migrate ', '`wp pet migrate ', (string) $message );
	}

	/**
	 * The outcome of a Retry (or of an operator's run), by result code.
	 *
	 * @param int $result Result code.
	 * @return string
	 */
	public static function outcome( $result ) {
		switch ( (int) $result ) {
			case 0:
				return __( 'PET\'s database is up to date, and PET is available.', 'pet' );
			case 1:
				return __( 'PET\'s database is updated and PET is available; some work continues in the background.', 'pet' );
			case 2:
				return __( 'Another process is updating the database right now; nothing was changed. Try again in a minute.', 'pet' );
			case 3:
				return __( 'The migration failed again and was undone: the cause is still there.', 'pet' );
			case 4:
				return __( 'The migration files are still not valid; nothing ran.', 'pet' );
			default:
				return __( 'PET still cannot reach its database update engine or the database; nothing ran.', 'pet' );
		}
	}

	/**
	 * The whole story of a failure in plain text (WP-CLI, email): headline, explanation,
	 * details, advice.
	 *
	 * @param string     $reason Why the gate is shut.
	 * @param array|null $error  Error member of a report (kind, file, version, step, reason).
	 * @param int|null   $result Result code.
	 * @param string     $where  See advice().
	 * @param bool       $network Network-wide advice.
	 * @param string     $message The engine's message (shown as the reason when there is no error member).
	 * @return string
	 */
	public static function plain( $reason, $error, $result, $where, $network = false, $message = '' ) {
		$lines = array( self::headline( $reason ) );
		$why   = self::explanation( is_array( $error ) ? ( $error['kind'] ?? null ) : null, $result );
		if ( '' !== $why ) {
			$lines[] = $why;
		}
		foreach ( self::details( $error, $message ) as $label => $value ) {
			$lines[] = $label . ': ' . $value;
		}
		$lines[] = self::advice( $where, $reason, $network );
		return implode( "\n", $lines );
	}

	/**
	 * The engine's details of a failure, labelled: migration, step, reason, file.
	 *
	 * @param array|null $error   Error member of a report.
	 * @param string     $message The engine's message, shown as the reason when there is no error member.
	 * @return array<string,string>
	 */
	public static function details( $error, $message = '' ) {
		$rows = array();
		if ( ! is_array( $error ) ) {
			if ( '' !== (string) $message ) {
				$rows[ __( 'Reason', 'pet' ) ] = (string) $message;
			}
			return $rows;
		}
		if ( ! empty( $error['version'] ) ) {
			$name                             = class_exists( 'Pet_Migration_Files' ) && function_exists( 'pet_migrate_files' ) ? Pet_Migration_Files::name_of( $error['version'] ) : null;
			$rows[ __( 'Migration', 'pet' ) ] = null === $name ? (string) $error['version'] : $error['version'] . ' ' . $name;
		}
		if ( isset( $error['step'] ) && null !== $error['step'] && '' !== $error['step'] ) {
			$rows[ __( 'Step', 'pet' ) ] = is_scalar( $error['step'] ) ? (string) $error['step'] : (string) wp_json_encode( $error['step'] );
		}
		if ( ! empty( $error['reason'] ) && 'extension_missing' !== ( $error['kind'] ?? '' ) ) {
			$rows[ __( 'Reason', 'pet' ) ] = (string) $error['reason'];
		}
		if ( ! empty( $error['file'] ) ) {
			$rows[ __( 'File', 'pet' ) ] = (string) $error['file'];
		}
		return $rows;
	}
}
