<?php
/**
 * Email to the site administrator when an automatic upgrade fails.
 *
 * @package PET
 */

defined( 'ABSPATH' ) || exit;

/**
 * An upgrade that nobody was watching (a deployment noticed by an ordinary request, or one of
 * WordPress's automatic updates) can fail with no administrator on wp-admin to see the notice.
 * Then the site's administration email address is told, once per failure: the same failure
 * found again by a later attempt sends nothing; a success clears the record, so the next
 * failure is told again. Interactive runs (activation, Retry, WP-CLI, an update an
 * administrator started) answer the person who started them instead.
 */
class Pet_Failure_Mail {

	/** Run contexts nobody watches. */
	const AUTOMATIC_CONTEXTS = array( 'upgrade', 'auto-update' );

	/**
	 * Hooks.
	 */
	public static function register() {
		add_action( 'pet_migrate_after_run', array( __CLASS__, 'after_run' ), 10, 3 );
	}

	/**
	 * After every run on a site (that site is switched in).
	 *
	 * @param array    $report  Engine report.
	 * @param string   $context What triggered the run.
	 * @param int|null $blog_id Site ID.
	 */
	public static function after_run( $report, $context, $blog_id ) {
		$state = Pet_State::get();
		if ( Pet_Engine::is_success( $report['result'] ) ) {
			if ( null !== $state['mailed'] ) {
				Pet_State::set_mailed( null );
			}
			return;
		}
		$signature = self::signature( $report );
		if ( ! self::should_send( $context, $report, $state, $signature ) ) {
			return;
		}
		$reason = Pet_Gate::decide( $state )['reason'];
		$reason = 'ready' === $reason ? Pet_Messages::reason_of_result( $report['result'] ) : $reason;
		$site   = wp_specialchars_decode( get_bloginfo( 'name' ), ENT_QUOTES );
		/* translators: %s: site title. */
		$subject = sprintf( __( '[%s] PET could not update its database', 'pet' ), $site );
		$body    = Pet_Messages::plain( $reason, $report['error'], $report['result'], 'active', false, $report['message'] )
			. "\n\n" . home_url( '/' )
			/* translators: %s: URL of the PET Migrations screen. */
			. "\n" . sprintf( __( 'Details: %s', 'pet' ), Pet_Admin_Page::url() ) . "\n";
		// Remember before sending: a mail transport that fails must not make every later
		// request try again.
		Pet_State::set_mailed( $signature );
		wp_mail( (string) get_option( 'admin_email' ), $subject, $body );
	}

	/**
	 * Whether a failed run is worth an email (unit-tested).
	 *
	 * @param string $context   What triggered the run.
	 * @param array  $report    Engine report.
	 * @param array  $state     State after the run was recorded.
	 * @param string $signature Signature of this failure.
	 * @return bool
	 */
	public static function should_send( $context, array $report, array $state, $signature ) {
		if ( ! in_array( $context, self::AUTOMATIC_CONTEXTS, true ) ) {
			return false;
		}
		if ( in_array( (int) $report['result'], array( 0, 1, 2 ), true ) || ! empty( $state['arriving'] ) ) {
			return false; // Success, someone else migrating, or a file still arriving.
		}
		return $state['mailed'] !== $signature;
	}

	/**
	 * What identifies a failure: the same failure found again has the same signature.
	 *
	 * @param array $report Engine report.
	 * @return string
	 */
	public static function signature( array $report ) {
		$error = is_array( $report['error'] ?? null ) ? $report['error'] : array();
		$parts = array( (int) $report['result'] );
		foreach ( array( 'kind', 'version', 'step', 'file', 'reason' ) as $key ) {
			$parts[] = isset( $error[ $key ] ) && is_scalar( $error[ $key ] ) ? (string) $error[ $key ] : '';
		}
		return md5( implode( "\x1f", $parts ) );
	}
}
