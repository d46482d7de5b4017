<?php
/**
 * PET in Tools → Site Health.
 *
 * @package PET
 */

defined( 'ABSPATH' ) || exit;

/**
 * A "PET" section in Site Health → Info (what support asks for, copied with WordPress's own
 * "Copy site info to clipboard"; never the database password) and a status test that turns
 * critical while PET's features are paused.
 */
class Pet_Site_Health {

	/** Key of the Info section and of the status test. */
	const KEY = 'pet';

	/**
	 * Hooks.
	 */
	public static function register() {
		add_filter( 'debug_information', array( __CLASS__, 'debug_information' ) );
		add_filter( 'site_status_tests', array( __CLASS__, 'site_status_tests' ) );
	}

	/**
	 * Site Health → Info.
	 *
	 * @param array $info Sections.
	 * @return array
	 */
	public static function debug_information( $info ) {
		$state   = Pet_State::get();
		$report  = Pet_Runner::status_site( null, false );
		$gate    = Pet_Gate::decide( $state );
		$engine  = Pet_Engine::version();
		$failure = __( 'None', 'pet' );
		if ( ! $gate['open'] && 'migrating' !== $gate['reason'] ) {
			$error   = is_array( $state['error'] ) ? $state['error'] : null;
			$failure = Pet_Messages::headline( $gate['reason'] ) . ' ' . Pet_Messages::explanation( $error['kind'] ?? null, $state['result'] );
			foreach ( Pet_Messages::details( $error, $state['message'] ) as $label => $value ) {
				$failure .= ' ' . $label . ': ' . $value . '.';
			}
		}
		$fields = array(
			'extension'      => array(
				'label' => __( 'PET Migrate extension', 'pet' ),
				/* translators: %s: version number. */
				'value' => null === $engine ? __( 'Not loaded', 'pet' ) : sprintf( __( 'Loaded, engine %s', 'pet' ), $engine ),
				'debug' => null === $engine ? 'not loaded' : 'loaded, engine ' . $engine,
			),
			'state'          => array(
				'label' => __( 'Engine state', 'pet' ),
				'value' => Pet_Status_View::mode_label( $report['mode'] ?? $state['mode'] ),
				'debug' => (string) ( $report['mode'] ?? $state['mode'] ?? 'unknown' ),
			),
			'features'       => array(
				'label' => __( 'PET features', 'pet' ),
				'value' => $gate['open'] ? __( 'Available', 'pet' ) : __( 'Paused', 'pet' ),
				'debug' => $gate['open'] ? 'available' : 'paused (' . $gate['reason'] . ')',
			),
			'schema_version' => array(
				'label' => __( 'Schema version', 'pet' ),
				'value' => (string) ( $report['schema_version'] ?? $state['schema_version'] ?? '—' ),
			),
			'newest_shipped' => array(
				'label' => __( 'Newest migration shipped', 'pet' ),
				'value' => (string) ( Pet_Migration_Files::newest_version() ?? '—' ),
			),
			'pending'        => array(
				'label' => __( 'Pending migrations', 'pet' ),
				'value' => Pet_Engine::CONFIG === $report['result'] ? __( 'Unknown', 'pet' ) : (string) count( (array) $report['pending'] ),
			),
			'last_run'       => array(
				'label' => __( 'Last run', 'pet' ),
				'value' => trim( ( $state['context'] ?? '' ) . ' ' . ( $state['result_name'] ?? '' ) . ( $state['attempted_at'] ? ' ' . gmdate( 'Y-m-d H:i:s', (int) $state['attempted_at'] ) . ' UTC' : '' ) ),
			),
			'last_failure'   => array(
				'label' => __( 'Current failure', 'pet' ),
				'value' => $failure,
			),
		);
		$info[ self::KEY ] = array(
			'label'  => __( 'PET', 'pet' ),
			'fields' => $fields,
		);
		return $info;
	}

	/**
	 * Registers the status test.
	 *
	 * @param array $tests Tests.
	 * @return array
	 */
	public static function site_status_tests( $tests ) {
		$tests['direct'][ self::KEY ] = array(
			'label' => __( 'PET database migrations', 'pet' ),
			'test'  => array( __CLASS__, 'status_test' ),
		);
		return $tests;
	}

	/**
	 * The status test: good when PET's features are open, critical while they are paused.
	 *
	 * @return array
	 */
	public static function status_test() {
		$state  = Pet_State::get();
		$gate   = Pet_Gate::decide( $state );
		$result = array(
			'label'       => __( 'PET\'s database is up to date', 'pet' ),
			'status'      => 'good',
			'badge'       => array(
				'label' => __( 'PET', 'pet' ),
				'color' => 'blue',
			),
			'description' => '<p>' . esc_html__( 'PET\'s migrations are applied and its features are available.', 'pet' ) . '</p>',
			'actions'     => sprintf( '<p><a href="%s">%s</a></p>', esc_url( Pet_Admin_Page::url() ), esc_html__( 'PET Migrations', 'pet' ) ),
			'test'        => self::KEY,
		);
		if ( $gate['open'] ) {
			return $result;
		}
		$error                 = is_array( $state['error'] ) ? $state['error'] : null;
		$result['label']       = Pet_Messages::headline( $gate['reason'] );
		$result['status']      = 'migrating' === $gate['reason'] || 'blocking' === $gate['reason'] ? 'recommended' : 'critical';
		$result['badge']['color'] = 'red';
		$result['description'] = '<p>' . esc_html( Pet_Messages::explanation( $error['kind'] ?? null, $state['result'] ) ) . ' ' . esc_html( Pet_Messages::advice( 'active', $gate['reason'] ) ) . '</p>';
		return $result;
	}
}
