<?php
/**
 * The maintenance gate for PET's own features.
 *
 * @package PET
 */

defined( 'ABSPATH' ) || exit;

/**
 * While a migration failed (maintenance), another process migrates, or blocking background
 * work runs, PET's own pages, REST routes and actions answer that PET is under maintenance.
 * The rest of the site keeps working; the operator screen and status route stay open.
 */
class Pet_Gate {

	/** REST namespace of PET's features. */
	const REST_NAMESPACE = 'pet/v1';

	/** Routes that stay open in maintenance (the operator's view of what went wrong). */
	const OPEN_ROUTES = array( '/pet/v1/migrations' );

	/** Default Retry-After, in seconds. */
	const RETRY_AFTER = 300;

	/**
	 * Hooks.
	 */
	public static function register() {
		add_filter( 'rest_pre_dispatch', array( __CLASS__, 'gate_rest' ), 10, 3 );
	}

	/**
	 * Whether PET's features may run now.
	 *
	 * @return bool
	 */
	public static function is_open() {
		/**
		 * Filters whether PET's own features are available.
		 *
		 * @param bool  $open  Whether the gate is open.
		 * @param array $state PET Migrate state of the current site.
		 */
		return (bool) apply_filters( 'pet_is_available', Pet_State::is_available(), Pet_State::get() );
	}

	/**
	 * Seconds a client should wait before trying again.
	 *
	 * @return int
	 */
	public static function retry_after() {
		/** Filters the Retry-After sent while PET is under maintenance. */
		return max( 1, (int) apply_filters( 'pet_maintenance_retry_after', self::RETRY_AFTER ) );
	}

	/**
	 * The one sentence users of PET's features see.
	 *
	 * @return string
	 */
	public static function message() {
		return __( 'PET is under maintenance while its database is being updated. Please try again in a few minutes.', 'pet' );
	}

	/**
	 * REST: PET's routes answer 503 with Retry-After while the gate is shut.
	 *
	 * @param mixed           $result  Response so far (null to continue).
	 * @param WP_REST_Server  $server  Server.
	 * @param WP_REST_Request $request Request.
	 * @return mixed
	 */
	public static function gate_rest( $result, $server, $request ) {
		$route = $request->get_route();
		if ( null !== $result || 0 !== strpos( $route, '/' . self::REST_NAMESPACE . '/' ) ) {
			return $result;
		}
		foreach ( self::OPEN_ROUTES as $open ) {
			if ( 0 === strpos( $route, $open ) ) {
				return $result;
			}
		}
		if ( self::is_open() ) {
			return $result;
		}
		$response = new WP_REST_Response(
			array(
				'code'    => 'pet_maintenance',
				'message' => self::message(),
				'data'    => array( 'status' => 503 ),
			),
			503
		);
		$response->header( 'Retry-After', (string) self::retry_after() );
		return $response;
	}

	/**
	 * For the load-{page} hook of PET's admin pages: sets the 503 status before any output.
	 * The page callback then renders self::render_closed() instead of its content.
	 */
	public static function on_load_admin_page() {
		if ( ! self::is_open() ) {
			status_header( 503 );
			header( 'Retry-After: ' . self::retry_after() );
		}
	}

	/**
	 * What a gated admin page shows instead of its content.
	 */
	public static function render_closed() {
		echo '<div class="wrap"><h1>' . esc_html__( 'PET', 'pet' ) . '</h1>';
		echo '<div class="notice notice-warning inline"><p>' . esc_html( self::message() ) . '</p></div>';
		if ( Pet_Admin_Page::current_user_can_manage() ) {
			printf(
				'<p><a href="%s">%s</a></p>',
				esc_url( Pet_Admin_Page::url() ),
				esc_html__( 'See what happened on the PET Migrations screen.', 'pet' )
			);
		}
		echo '</div>';
	}

	/**
	 * For PET's form actions (admin-post): stop with 503 while the gate is shut.
	 */
	public static function guard_action() {
		if ( self::is_open() ) {
			return;
		}
		header( 'Retry-After: ' . self::retry_after() );
		wp_die( esc_html( self::message() ), esc_html__( 'PET is under maintenance', 'pet' ), array( 'response' => 503 ) );
	}
}
