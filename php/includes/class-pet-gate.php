<?php
/**
 * The maintenance gate for PET's own features.
 *
 * @package PET
 */

defined( 'ABSPATH' ) || exit;

/**
 * The one owner of "may PET's features run now?". It decides from a single source of truth,
 * the site's state mirror (Pet_State), which every run of the engine keeps in step and which
 * Pet_Runner marks "migrating" before a run starts, so the gate is shut for every other
 * request from the moment a migration begins until its result is recorded.
 *
 * While shut, PET's own pages, REST routes and actions answer that PET is unavailable; the
 * rest of the site keeps working, and the operator's screen and status routes stay open.
 */
class Pet_Gate {

	/** REST namespace of PET's features. */
	const REST_NAMESPACE = 'pet/v1';

	/** Routes that stay open while the gate is shut (the operator's view of what went wrong). */
	const OPEN_ROUTES = array( '/pet/v1/migrations' );

	/** Retry-After while a migration runs, in seconds. */
	const RETRY_AFTER_MIGRATING = 30;

	/**
	 * Hooks.
	 */
	public static function register() {
		add_filter( 'rest_pre_dispatch', array( __CLASS__, 'gate_rest' ), 10, 3 );
	}

	/**
	 * The decision for a state, without side effects (unit-tested).
	 *
	 * Reasons: ready, background (work that does not block), unknown (no state yet), halted
	 * (an activation failed), migrating, blocking (background work whose migration gates
	 * what is asked: "everything", or "writes" for a write), maintenance (a migration failed
	 * and was undone), invalid (the migration files are not valid; nothing ran), config (the
	 * engine or the database cannot be reached), locked.
	 *
	 * @param array $state State (see Pet_State::defaults()).
	 * @param bool  $write Whether what is asked writes PET's data (a form, a REST POST).
	 * @return array{open:bool,reason:string}
	 */
	public static function decide( array $state, $write = false ) {
		$closed = function ( $reason ) {
			return array(
				'open'   => false,
				'reason' => $reason,
			);
		};
		if ( ! empty( $state['activation_failure'] ) ) {
			return $closed( 'halted' );
		}
		$mode = $state['mode'] ?? null;
		if ( 'migrating' === $mode ) {
			return $closed( 'migrating' );
		}
		if ( 'maintenance' === $mode ) {
			return $closed( 'maintenance' );
		}
		// Exactly what the running migrations declare ("gates"): the strictest of those whose
		// data work is unfinished, as the engine reported it.
		$gates = $state['gates'] ?? null;
		if ( 'background' === $mode && ( 'everything' === $gates || ( $write && 'writes' === $gates ) ) ) {
			return $closed( 'blocking' );
		}
		// The code and the database disagree and nothing could run: keep PET's features shut,
		// unless all that is wrong is a migration file still arriving (nothing ran, and the
		// next request after it is complete runs it).
		$result = isset( $state['result'] ) ? (int) $state['result'] : null;
		if ( 3 === $result ) {
			return $closed( 'maintenance' );
		}
		if ( 4 === $result && empty( $state['arriving'] ) ) {
			return $closed( 'invalid' );
		}
		if ( 5 === $result ) {
			return $closed( 'config' );
		}
		if ( null === $mode ) {
			return $closed( 4 === $result ? 'invalid' : 'unknown' );
		}
		return array(
			'open'   => true,
			'reason' => 'background' === $mode ? 'background' : 'ready',
		);
	}

	/**
	 * Whether PET's features may run for a state (default: the current site's).
	 *
	 * @param array|null $state State.
	 * @param bool       $write Whether what is asked writes PET's data.
	 * @return bool
	 */
	public static function is_open_for( $state = null, $write = false ) {
		$state = null === $state ? Pet_State::get() : $state;
		/**
		 * Filters whether PET's own features are available.
		 *
		 * @param bool  $open  Whether the gate is open.
		 * @param array $state PET Migrate state of the site.
		 * @param bool  $write Whether what is asked writes PET's data.
		 */
		return (bool) apply_filters( 'pet_is_available', self::decide( $state, $write )['open'], $state, $write );
	}

	/**
	 * Whether PET's features may run now on the current site.
	 *
	 * @param bool $write Whether what is asked writes PET's data.
	 * @return bool
	 */
	public static function is_open( $write = false ) {
		return self::is_open_for( null, $write );
	}

	/**
	 * Why the gate is shut on the current site (or "ready").
	 *
	 * @param bool $write Whether what is asked writes PET's data.
	 * @return string
	 */
	public static function reason( $write = false ) {
		return self::decide( Pet_State::get(), $write )['reason'];
	}

	/**
	 * REST: PET's routes answer 503 while the gate is shut for what the request does (GET and
	 * HEAD read; every other method writes); Retry-After only while a migration or its data
	 * work runs, because otherwise nothing changes until an administrator acts.
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
		$write = ! in_array( $request->get_method(), array( 'GET', 'HEAD', 'OPTIONS' ), true );
		if ( self::is_open( $write ) ) {
			return $result;
		}
		$reason   = self::reason( $write );
		$response = new WP_REST_Response(
			array(
				'code'    => in_array( $reason, array( 'migrating', 'blocking' ), true ) ? 'pet_migrating' : 'pet_maintenance',
				'message' => Pet_Messages::visitor( $reason ),
				'data'    => array( 'status' => 503 ),
			),
			503
		);
		$retry_after = self::retry_after( $reason );
		if ( null !== $retry_after ) {
			$response->header( 'Retry-After', (string) $retry_after );
		}
		return $response;
	}

	/**
	 * Seconds a client should wait before trying again, or null when waiting will not help:
	 * while data work gates PET, the longest ETA of the unfinished work (what the engine last
	 * measured, between 5 seconds and an hour); while schema steps run, 30 seconds.
	 *
	 * @param string     $reason Why the gate is shut.
	 * @param array|null $state  State (default: the current site's).
	 * @return int|null
	 */
	public static function retry_after( $reason, $state = null ) {
		if ( ! in_array( $reason, array( 'migrating', 'blocking' ), true ) ) {
			return null;
		}
		$seconds = self::RETRY_AFTER_MIGRATING;
		if ( 'blocking' === $reason ) {
			$state = null === $state ? Pet_State::get() : $state;
			$eta   = null;
			foreach ( (array) $state['work'] as $item ) {
				if ( isset( $item['eta_seconds'] ) && is_numeric( $item['eta_seconds'] ) ) {
					$eta = max( (int) $eta, (int) $item['eta_seconds'] );
				}
			}
			if ( null !== $eta ) {
				$seconds = min( 3600, max( 5, $eta ) );
			}
		}
		/** Filters the Retry-After sent while PET migrates. */
		return max( 1, (int) apply_filters( 'pet_maintenance_retry_after', $seconds, $reason ) );
	}

	/**
	 * For the load-{page} hook of PET's admin pages: sets the 503 status before any output.
	 * The page callback then renders self::render_closed() instead of its content.
	 */
	public static function on_load_admin_page() {
		if ( ! self::is_open() ) {
			status_header( 503 );
			$retry_after = self::retry_after( self::reason() );
			if ( null !== $retry_after ) {
				header( 'Retry-After: ' . $retry_after );
			}
		}
	}

	/**
	 * What a gated admin page shows instead of its content.
	 */
	public static function render_closed() {
		echo '<div class="wrap"><h1>' . esc_html__( 'PET', 'pet' ) . '</h1>';
		echo '<div class="notice notice-warning inline"><p>' . esc_html( Pet_Messages::visitor( self::reason() ) ) . '</p></div>';
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
	 * For PET's form actions (admin-post), which write: stop with 503 while the gate is shut.
	 */
	public static function guard_action() {
		if ( self::is_open( true ) ) {
			return;
		}
		$reason      = self::reason( true );
		$retry_after = self::retry_after( $reason );
		if ( null !== $retry_after ) {
			header( 'Retry-After: ' . $retry_after );
		}
		wp_die( esc_html( Pet_Messages::visitor( $reason ) ), esc_html__( 'PET is unavailable', 'pet' ), array( 'response' => 503 ) );
	}
}
