<?php
/**
 * The operator screen's cut-over section: each flag's phase and verification, and the switch.
 *
 * @package PET
 */

defined( 'ABSPATH' ) || exit;

/**
 * Shows every cut-over flag (a copy_rows step with "cutover") and offers what its phase
 * allows: Verify while it is off, On (for a share of users) once verified, Off while on,
 * Finalize at 100 %. Each is a nonce-protected form with a confirmation; the engine decides
 * (it refuses what its rules refuse, and says why), and the switch is recorded as an audit
 * event naming the user. The flags that pet_cutover_enabled() reads are cached from the
 * report the switch returns, so no page asks the database.
 */
class Pet_Cutover_Controls {

	/** admin-post action. */
	const ACTION = 'pet_migrate_cutover';

	/** Budget of a Verify click, in milliseconds (a pass cut short goes on at the next). */
	const VERIFY_BUDGET_MS = 20000;

	/**
	 * Hooks.
	 */
	public static function register() {
		add_action( 'admin_post_' . self::ACTION, array( __CLASS__, 'handle' ) );
	}

	/**
	 * The section.
	 *
	 * @param array $cutovers The report's "cutovers".
	 */
	public static function render( array $cutovers ) {
		echo '<h2>' . esc_html__( 'Cut-overs', 'pet' ) . '</h2>';
		if ( ! $cutovers ) {
			echo '<p class="pet-cutovers-empty">' . esc_html__( 'No migration declares a cut-over.', 'pet' ) . '</p>';
			return;
		}
		self::render_outcome();
		echo '<table class="widefat striped pet-cutovers"><thead><tr>';
		foreach ( array( __( 'Flag', 'pet' ), __( 'Tables', 'pet' ), __( 'Phase', 'pet' ), __( 'Share on', 'pet' ), __( 'Verification', 'pet' ), __( 'Switch', 'pet' ) ) as $label ) {
			echo '<th scope="col">' . esc_html( $label ) . '</th>';
		}
		echo '</tr></thead><tbody>';
		foreach ( $cutovers as $cutover ) {
			$flag = (string) ( $cutover['flag'] ?? '' );
			echo '<tr data-flag="' . esc_attr( $flag ) . '">';
			echo '<td><code>' . esc_html( $flag ) . '</code></td>';
			echo '<td>' . esc_html( ( $cutover['source_table'] ?? '' ) . ' → ' . ( $cutover['target_table'] ?? '' ) ) . '</td>';
			echo '<td class="pet-phase">' . esc_html( self::phase_label( (string) ( $cutover['phase'] ?? '' ) ) ) . '</td>';
			echo '<td>' . esc_html( number_format_i18n( (int) ( $cutover['percent'] ?? 0 ) ) . ' %' ) . '</td>';
			echo '<td class="pet-verification">' . esc_html( self::verification_text( $cutover ) ) . '</td>';
			echo '<td>';
			self::render_buttons( $cutover );
			echo '</td></tr>';
		}
		echo '</tbody></table>';
	}

	/**
	 * The forms a phase allows.
	 *
	 * @param array $cutover A "cutovers" item.
	 */
	private static function render_buttons( array $cutover ) {
		$flag  = (string) ( $cutover['flag'] ?? '' );
		$phase = (string) ( $cutover['phase'] ?? '' );
		$on    = (int) ( $cutover['percent'] ?? 0 ) > 0;
		if ( 'finalized' === $phase ) {
			echo esc_html__( 'Finalized: the old table is no longer kept in step.', 'pet' );
			return;
		}
		if ( ! $on && 'copying' !== $phase ) {
			/* translators: %s: flag name. */
			self::render_form( $flag, 'verify', __( 'Verify', 'pet' ), sprintf( __( 'Compare every row of the copy for %s with its source now (and repair what differs)?', 'pet' ), $flag ) );
		}
		if ( 'verified' === $phase || ( 'cut_over' === $phase && (int) $cutover['percent'] < 100 ) ) {
			/* translators: %s: flag name. */
			self::render_form( $flag, 'on', __( 'Switch on', 'pet' ), sprintf( __( 'Switch %s on? The share of users given here will use the new table; the old one stays in step, and Switch off goes back.', 'pet' ), $flag ), true );
		}
		if ( $on ) {
			/* translators: %s: flag name. */
			self::render_form( $flag, 'off', __( 'Switch off', 'pet' ), sprintf( __( 'Switch %s off? Everyone goes back to the old table, which holds every write made meanwhile.', 'pet' ), $flag ) );
		}
		if ( 'cut_over' === $phase && 100 === (int) $cutover['percent'] ) {
			/* translators: %s: flag name. */
			self::render_form( $flag, 'finalize', __( 'Finalize', 'pet' ), sprintf( __( 'Finalize %s? The old table stops being kept in step, so switching back is no longer possible. No table is dropped.', 'pet' ), $flag ) );
		}
		if ( 'copying' === $phase ) {
			echo esc_html__( 'Available once the copy is done.', 'pet' );
		}
	}

	/**
	 * One nonce-protected form whose button asks for confirmation.
	 *
	 * @param string $flag    Flag.
	 * @param string $action  verify | on | off | finalize.
	 * @param string $label   Button label.
	 * @param string $confirm Confirmation question.
	 * @param bool   $percent Whether to ask for a share.
	 */
	private static function render_form( $flag, $action, $label, $confirm, $percent = false ) {
		printf(
			'<form method="post" action="%s" class="pet-cutover-form pet-cutover-%s" style="display:inline-block;margin:0 .5em .3em 0" onsubmit="return window.confirm(%s);">',
			esc_url( admin_url( 'admin-post.php' ) ),
			esc_attr( $action ),
			esc_attr( wp_json_encode( $confirm ) )
		);
		printf( '<input type="hidden" name="action" value="%s" />', esc_attr( self::ACTION ) );
		printf( '<input type="hidden" name="flag" value="%s" /><input type="hidden" name="switch" value="%s" />', esc_attr( $flag ), esc_attr( $action ) );
		wp_nonce_field( self::ACTION . ':' . $flag );
		if ( $percent ) {
			printf(
				'<label>%s <input type="number" name="percent" min="1" max="100" value="100" style="width:5em" /> %%</label> ',
				esc_html__( 'for', 'pet' )
			);
		}
		submit_button( $label, 'on' === $action ? 'primary' : 'secondary', 'submit', false );
		echo '</form>';
	}

	/**
	 * admin-post: verify or switch a flag, then back to the screen with the outcome.
	 */
	public static function handle() {
		if ( ! Pet_Admin_Page::current_user_can_manage() ) {
			wp_die( esc_html__( 'Sorry, you are not allowed to switch PET cut-overs.', 'pet' ), 403 );
		}
		// phpcs:disable WordPress.Security.NonceVerification -- verified just below, per flag.
		$flag   = isset( $_POST['flag'] ) ? sanitize_text_field( wp_unslash( $_POST['flag'] ) ) : '';
		$switch = isset( $_POST['switch'] ) ? sanitize_key( wp_unslash( $_POST['switch'] ) ) : '';
		// phpcs:enable
		check_admin_referer( self::ACTION . ':' . $flag );
		if ( 'verify' === $switch ) {
			$report = Pet_Runner::verify_site( null, array( 'budget_ms' => self::VERIFY_BUDGET_MS ) );
		} elseif ( in_array( $switch, array( 'on', 'off', 'finalize' ), true ) ) {
			$request = array(
				'flag'   => $flag,
				'action' => $switch,
				'actor'  => self::actor(),
			);
			if ( 'on' === $switch ) {
				$request['percent'] = isset( $_POST['percent'] ) ? max( 1, min( 100, (int) $_POST['percent'] ) ) : 100; // phpcs:ignore WordPress.Security.NonceVerification -- verified above.
			}
			$report = Pet_Runner::cutover_site( $request );
		} else {
			wp_die( esc_html__( 'Unknown cut-over action.', 'pet' ), 400 );
		}
		set_transient(
			'pet_migrate_cutover_outcome_' . get_current_user_id(),
			array(
				'flag'    => $flag,
				'switch'  => $switch,
				'percent' => (int) ( $report['flags'][ $flag ] ?? 0 ),
				'phase'   => self::phase_of( $report, $flag ),
				'result'  => (int) $report['result'],
				'message' => (string) $report['message'],
			),
			MINUTE_IN_SECONDS * 5
		);
		wp_safe_redirect( Pet_Admin_Page::url() . '#pet-cutovers' );
		exit;
	}

	/**
	 * Who switched, for the audit event: the user and where from.
	 *
	 * @return string
	 */
	public static function actor() {
		$user = wp_get_current_user();
		return substr( sprintf( 'wordpress:%s (user %d) from the PET Migrations screen', $user->user_login, $user->ID ), 0, 200 );
	}

	/**
	 * The outcome of the last click, once.
	 */
	private static function render_outcome() {
		$key     = 'pet_migrate_cutover_outcome_' . get_current_user_id();
		$outcome = get_transient( $key );
		if ( ! is_array( $outcome ) ) {
			return;
		}
		delete_transient( $key );
		$ok = Pet_Engine::OK === $outcome['result'];
		printf(
			'<div class="notice %s inline pet-cutover-outcome"><p>%s</p></div>',
			$ok ? 'notice-success' : 'notice-warning',
			esc_html( self::outcome_sentence( $outcome ) )
		);
	}

	/**
	 * What a click did, in an administrator's words (the engine's own message names its
	 * command-line tool; a refusal's reason is kept, without the tool's quoting).
	 *
	 * @param array $outcome {flag, switch, percent, result, message}.
	 * @return string
	 */
	public static function outcome_sentence( array $outcome ) {
		$flag = (string) $outcome['flag'];
		if ( Pet_Engine::OK !== (int) $outcome['result'] ) {
			$reason = self::refusal_reason( $outcome );
			return 'verify' === $outcome['switch']
				/* translators: 1: flag, 2: the engine's reason. */
				? sprintf( __( 'The verification of %1$s has not passed: %2$s', 'pet' ), $flag, $reason )
				/* translators: 1: flag, 2: the engine's reason. */
				: sprintf( __( '%1$s was not switched: %2$s', 'pet' ), $flag, $reason );
		}
		switch ( $outcome['switch'] ) {
			case 'verify':
				/* translators: %s: flag. */
				return sprintf( __( 'The copy for %s was verified: it matches its source, so it may be switched on.', 'pet' ), $flag );
			case 'on':
				/* translators: 1: flag, 2: percentage. */
				return sprintf( __( '%1$s is on for %2$d %% of users. Every write to the new table also reaches the old one until you finalize, so Switch off goes back without losing anything.', 'pet' ), $flag, (int) $outcome['percent'] );
			case 'off':
				/* translators: %s: flag. */
				return sprintf( __( '%s is off: everyone uses the old table again, which holds every write made meanwhile.', 'pet' ), $flag );
			default:
				/* translators: %s: flag. */
				return sprintf( __( '%s is finalized: the old table is no longer kept in step, and no table was dropped.', 'pet' ), $flag );
		}
	}

	/**
	 * Why the engine refused, in terms of this screen: its own message names its command-line
	 * tool, which a site administrator does not have. Chosen by the flag's phase after the
	 * refusal; the engine's reason (without its quoting) for anything else.
	 *
	 * @param array $outcome {switch, phase, message}.
	 * @return string
	 */
	private static function refusal_reason( array $outcome ) {
		if ( 'copying' === $outcome['phase'] ) {
			return __( 'its copy is still running in the background; once it is done, click Verify.', 'pet' );
		}
		if ( 'syncing' === $outcome['phase'] && 'verify' !== $outcome['switch'] ) {
			return __( 'its copy has not passed a verification since it was made or since its sync was repaired; click Verify first.', 'pet' );
		}
		if ( 'finalize' === $outcome['switch'] ) {
			return __( 'it can be finalized only while it is switched on for 100 % of users.', 'pet' );
		}
		return trim( str_replace( '`', '', Pet_Messages::engine_message_for_wordpress( $outcome['message'] ) ) );
	}

	/**
	 * The phase of a flag in a report, or "".
	 *
	 * @param array  $report Engine report.
	 * @param string $flag   Flag.
	 * @return string
	 */
	private static function phase_of( array $report, $flag ) {
		foreach ( (array) ( $report['cutovers'] ?? array() ) as $cutover ) {
			if ( ( $cutover['flag'] ?? null ) === $flag ) {
				return (string) ( $cutover['phase'] ?? '' );
			}
		}
		return '';
	}

	/**
	 * A phase in words.
	 *
	 * @param string $phase Phase.
	 * @return string
	 */
	public static function phase_label( $phase ) {
		$labels = array(
			'copying'   => __( 'Copying', 'pet' ),
			'syncing'   => __( 'Copied, kept in step; not verified yet', 'pet' ),
			'verified'  => __( 'Verified; ready to switch', 'pet' ),
			'cut_over'  => __( 'Switched on', 'pet' ),
			'finalized' => __( 'Finalized', 'pet' ),
		);
		return $labels[ $phase ] ?? $phase;
	}

	/**
	 * Verification figures in words.
	 *
	 * @param array $cutover A "cutovers" item.
	 * @return string
	 */
	public static function verification_text( array $cutover ) {
		$v = is_array( $cutover['verification'] ?? null ) ? $cutover['verification'] : array();
		if ( empty( $v['started_at'] ) ) {
			return __( 'Not verified yet.', 'pet' );
		}
		$text = sprintf(
			/* translators: 1: ranges checked, 2: mismatches found, 3: mismatches repaired. */
			__( '%1$s ranges checked, %2$s differed, %3$s repaired.', 'pet' ),
			number_format_i18n( (int) ( $v['ranges_checked'] ?? 0 ) ),
			number_format_i18n( (int) ( $v['mismatches_found'] ?? 0 ) ),
			number_format_i18n( (int) ( $v['mismatches_repaired'] ?? 0 ) )
		);
		if ( ! empty( $v['passed'] ) ) {
			$text = __( 'Passed.', 'pet' ) . ' ' . $text;
		} elseif ( ! empty( $v['in_progress'] ) ) {
			$text = __( 'In progress.', 'pet' ) . ' ' . $text;
		}
		if ( ! empty( $v['problem'] ) ) {
			$text .= ' ' . (string) $v['problem'];
		}
		return $text;
	}
}
