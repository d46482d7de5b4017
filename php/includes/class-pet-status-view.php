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
