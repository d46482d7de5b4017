<?php
/**
 * REST: the migration status as JSON, for operators and monitoring.
 *
 * @package PET
 */

defined( 'ABSPATH' ) || exit;

/**
 * GET /wp-json/pet/v1/migrations/status, protected by the operator capability. It stays
 * open in maintenance (it is how an operator sees what went wrong); PET's other routes are
 * gated by Pet_Gate.
 */
class Pet_Rest {

	/**
	 * Hooks.
	 */
	public static function register() {
		add_action( 'rest_api_init', array( __CLASS__, 'register_routes' ) );
	}

	/**
	 * Routes.
	 */
	public static function register_routes() {
		register_rest_route(
			Pet_Gate::REST_NAMESPACE,
			'/migrations/status',
			array(
				'methods'             => WP_REST_Server::READABLE,
				'callback'            => array( __CLASS__, 'status' ),
				'permission_callback' => array( 'Pet_Admin_Page', 'current_user_can_manage' ),
			)
		);
		register_rest_route(
			Pet_Gate::REST_NAMESPACE,
			'/migrations/events',
			array(
				'methods'             => WP_REST_Server::READABLE,
				'callback'            => array( __CLASS__, 'events' ),
				'permission_callback' => array( 'Pet_Admin_Page', 'current_user_can_manage' ),
				'args'                => array(
					'limit' => array(
						'type'    => 'integer',
						'default' => 50,
						'minimum' => 1,
						'maximum' => 1000,
					),
				),
			)
		);
	}

	/**
	 * The engine's status report plus what the WordPress side knows.
	 *
	 * @return WP_REST_Response
	 */
	public static function status() {
		$report                   = Pet_Runner::status_site();
		$report['available']      = Pet_Gate::is_open();
		$report['site_id']        = get_current_blog_id();
		$report['newest_shipped'] = Pet_Migration_Files::newest_version();
		$report['engine_version'] = Pet_Engine::version();
		$report['last_run']       = array_intersect_key( Pet_State::get(), array_flip( array( 'context', 'result', 'result_name', 'message', 'attempted_at' ) ) );
		$runner                   = Pet_Background_Runner::runner();
		$report['runner']         = array(
			'slices'         => (int) $runner['slices'],
			'last_slice_at'  => (int) max( $runner['started_at'], $runner['ended_at'] ),
			'slice_budget_ms' => (int) $runner['budget_ms'],
			'killed_slices'  => (int) $runner['killed'],
			'killed_in_a_row' => (int) $runner['kills_in_a_row'],
			'next_slice_at'  => wp_next_scheduled( Pet_Background_Runner::HOOK ) ? (int) wp_next_scheduled( Pet_Background_Runner::HOOK ) : null,
			'stalled'        => Pet_Background_Runner::stall(),
			'loopback_error' => $runner['loopback_error'],
		);
		$report['retry_after']    = Pet_Gate::retry_after( Pet_Gate::reason( true ) );
		return new WP_REST_Response( $report, 200 );
	}

	/**
	 * The newest audit events.
	 *
	 * @param WP_REST_Request $request Request.
	 * @return WP_REST_Response
	 */
	public static function events( $request ) {
		return new WP_REST_Response( Pet_Runner::events_site( (int) $request['limit'] ), 200 );
	}
}
