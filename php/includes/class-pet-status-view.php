<?php
/**
 * HTML pieces shared by the notices, the operator screen and the network screen.
 * Everything printed is escaped; every sentence is translatable (text domain "pet").
 *
 * @package PET
 */

defined( 'ABSPATH' ) || exit;

/**
 * Renders engine reports and state.
 */
class Pet_Status_View {

	/**
	 * "2026_03_01_0001 add_task_notes" for an error, or null if the error names no migration.
	 *
	 * @param array|null $error Error member of a report.
	 * @return string|null
	 */
	public static function failed_migration( $error ) {
		if ( ! is_array( $error ) || empty( $error['version'] ) ) {
			return null;
		}
		$name = Pet_Migration_Files::name_of( $error['version'] );
		return null === $name ? (string) $error['version'] : $error['version'] . ' ' . $name;
	}

	/**
	 * What went wrong, in the administrator's words (chosen by the engine's error kind), and
	 * the engine's details as data: migration, step, reason, file.
	 *
	 * @param array|null $error   Error member of a report.
	 * @param int|null   $result  Result code.
	 * @param string     $message The engine's message (shown as the reason when there is no error member).
	 */
	public static function render_failure( $error, $result, $message = '' ) {
		$explanation = Pet_Messages::explanation( is_array( $error ) ? ( $error['kind'] ?? null ) : null, $result );
		if ( '' !== $explanation ) {
			echo '<p class="pet-explanation">' . esc_html( $explanation ) . '</p>';
		}
		$rows = Pet_Messages::details( $error, $message );
		if ( ! $rows ) {
			return;
		}
		echo '<table class="pet-failure widefat striped" style="max-width:60em"><tbody>';
		foreach ( $rows as $label => $value ) {
			printf( '<tr><th scope="row" style="width:8em">%s</th><td><code>%s</code></td></tr>', esc_html( $label ), esc_html( $value ) );
		}
		echo '</tbody></table>';
	}

	/**
	 * One sentence on the unfinished data work of a state: how far, how fast, how long still,
	 * or why it waits ("" when none). Reads only the state (no query).
	 *
	 * @param array $state State (see Pet_State::defaults()).
	 * @return string
	 */
	public static function work_summary( array $state ) {
		$parts = array();
		foreach ( (array) $state['work'] as $item ) {
			$parts[] = self::work_item_summary( $item );
		}
		return implode( ' ', $parts );
	}

	/**
	 * How far the walk over a network's sites got, or "" when none is under way.
	 *
	 * @param array|null $queue The walk (Pet_Network_Queue::get()).
	 * @return string
	 */
	public static function network_walk_summary( $queue ) {
		if ( ! is_array( $queue ) || ! empty( $queue['finished_at'] ) ) {
			return '';
		}
		return sprintf(
			/* translators: 1: sites done, 2: sites in all, 3: failed sites. */
			__( 'PET is updating the database of every site in the background: %1$s of %2$s done, %3$s failed.', 'pet' ),
			number_format_i18n( (int) $queue['done'] ),
			number_format_i18n( (int) $queue['total'] ),
			number_format_i18n( (int) $queue['failed'] )
		);
	}

	/**
	 * One sentence on one work item.
	 *
	 * @param array $item A "work" item of a report.
	 * @return string
	 */
	public static function work_item_summary( array $item ) {
		$what = 'copy_rows' === ( $item['op'] ?? '' )
			/* translators: 1: migration version, 2: step number, 3: source table, 4: target table. */
			? sprintf( __( '%1$s step %2$d (copy from %3$s into %4$s)', 'pet' ), (string) ( $item['version'] ?? '' ), (int) ( $item['step'] ?? 0 ), (string) ( $item['source'] ?? '' ), (string) ( $item['target'] ?? '' ) )
			/* translators: 1: migration version, 2: step number, 3: table. */
			: sprintf( __( '%1$s step %2$d (backfill of %3$s)', 'pet' ), (string) ( $item['version'] ?? '' ), (int) ( $item['step'] ?? 0 ), (string) ( $item['target'] ?? $item['source'] ?? '' ) );
		$figures = array();
		$rows    = (int) ( $item['rows_done'] ?? 0 );
		if ( 'queued' === ( $item['status'] ?? null ) && 0 === $rows ) {
			$figures[] = __( 'queued', 'pet' );
		} else {
			if ( isset( $item['percent'] ) && null !== $item['percent'] ) {
				/* translators: %s: a percentage. */
				$figures[] = sprintf( __( '%s %%', 'pet' ), number_format_i18n( (int) $item['percent'] ) );
			}
			$figures[] = isset( $item['rows_estimated'] ) && null !== $item['rows_estimated']
				/* translators: 1: rows done, 2: rows in all. */
				? sprintf( __( '%1$s of about %2$s rows', 'pet' ), number_format_i18n( $rows ), number_format_i18n( (int) $item['rows_estimated'] ) )
				/* translators: %s: rows done. */
				: sprintf( __( '%s rows', 'pet' ), number_format_i18n( $rows ) );
			if ( ! empty( $item['rows_per_second'] ) ) {
				/* translators: %s: rows per second. */
				$figures[] = sprintf( __( '%s rows/s', 'pet' ), number_format_i18n( (int) $item['rows_per_second'] ) );
			}
		}
		$what .= ': ' . implode( ', ', $figures );
		if ( ! empty( $item['paused'] ) ) {
			return $what . '. ' . __( 'Paused by an operator; it continues with "Resume" on the PET Migrations screen or wp pet migrate resume.', 'pet' );
		}
		if ( 'failed' === ( $item['status'] ?? null ) ) {
			return $what . '. ' . __( 'Stopped by a row that failed:', 'pet' ) . ' ' . (string) ( $item['last_error'] ?? '' );
		}
		if ( ! empty( $item['throttle'] ) ) {
			/* translators: %s: why, in the engine's words. */
			return $what . '. ' . sprintf( __( 'Waiting: %s', 'pet' ), (string) $item['throttle'] );
		}
		if ( isset( $item['eta_seconds'] ) && null !== $item['eta_seconds'] ) {
			/* translators: %s: a duration such as "5 mins". */
			return $what . ', ' . sprintf( __( 'about %s left.', 'pet' ), human_time_diff( 0, max( 1, (int) $item['eta_seconds'] ) ) );
		}
		return $what . '.';
	}

	/**
	 * A label for a mode.
	 *
	 * @param string|null $mode Mode.
	 * @return string
	 */
	public static function mode_label( $mode ) {
		$labels = array(
			'ready'       => __( 'Ready', 'pet' ),
			'migrating'   => __( 'Migrating', 'pet' ),
			'background'  => __( 'Background work running', 'pet' ),
			'maintenance' => __( 'Maintenance', 'pet' ),
		);
		return $labels[ $mode ] ?? __( 'Unknown', 'pet' );
	}

	/**
	 * The Retry button: a nonce-protected form that re-runs pending migrations.
	 *
	 * @param string $label Button label.
	 */
	public static function render_retry_form( $label ) {
		printf( '<form method="post" action="%s" style="display:inline-block;margin-right:1em">', esc_url( admin_url( 'admin-post.php' ) ) );
		echo '<input type="hidden" name="action" value="pet_migrate_retry" />';
		wp_nonce_field( 'pet_migrate_retry' );
		submit_button( $label, 'primary', 'pet-migrate-retry', false );
		echo '</form>';
	}

	/**
	 * The WP-CLI command that does the same as the Retry button, for the current site.
	 *
	 * @return string
	 */
	public static function cli_command() {
		$command = 'wp pet migrate resume';
		if ( is_multisite() ) {
			$command .= ' --url=' . home_url( '/' );
		}
		return $command;
	}

	/**
	 * A table of rows.
	 *
	 * @param string[] $headers Column headers, keyed by row key.
	 * @param array[]  $rows    Rows.
	 * @param string   $empty   What to say when there are none.
	 * @param string   $class   CSS class.
	 */
	public static function render_table( array $headers, array $rows, $empty, $class ) {
		if ( ! $rows ) {
			echo '<p class="' . esc_attr( $class ) . '-empty">' . esc_html( $empty ) . '</p>';
			return;
		}
		echo '<table class="widefat striped ' . esc_attr( $class ) . '"><thead><tr>';
		foreach ( $headers as $label ) {
			echo '<th scope="col">' . esc_html( $label ) . '</th>';
		}
		echo '</tr></thead><tbody>';
		foreach ( $rows as $row ) {
			echo '<tr>';
			foreach ( array_keys( $headers ) as $key ) {
				$value = $row[ $key ] ?? '';
				echo '<td>' . esc_html( is_scalar( $value ) ? (string) $value : wp_json_encode( $value ) ) . '</td>';
			}
			echo '</tr>';
		}
		echo '</tbody></table>';
	}
}
