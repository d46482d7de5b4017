<?php
/**
 * Pet_Gate: the one owner of "may PET's features run now?".
 */

use PHPUnit\Framework\TestCase;

class GateTest extends TestCase {

	private function state( array $overrides ) {
		return array_merge( Pet_State::defaults(), array( 'mode' => 'ready', 'result' => 0 ), $overrides );
	}

	public function test_ready_site_is_open() {
		$this->assertSame( array( 'open' => true, 'reason' => 'ready' ), Pet_Gate::decide( $this->state( array() ) ) );
	}

	/** @dataProvider closed_states */
	public function test_closed_states( array $overrides, $reason ) {
		$this->assertSame( array( 'open' => false, 'reason' => $reason ), Pet_Gate::decide( $this->state( $overrides ) ) );
	}

	public function closed_states() {
		return array(
			'a run has started (marked before the engine runs)' => array( array( 'mode' => 'migrating', 'migrating_since' => 1000 ), 'migrating' ),
			'the engine reports migrating'                      => array( array( 'mode' => 'migrating' ), 'migrating' ),
			'a migration failed'                                => array( array( 'mode' => 'maintenance', 'result' => 3 ), 'maintenance' ),
			'failed, mode not readable'                         => array( array( 'result' => 3 ), 'maintenance' ),
			'invalid migration files'                           => array( array( 'result' => 4 ), 'invalid' ),
			'engine or database unreachable'                    => array( array( 'result' => 5 ), 'config' ),
			'halted activation'                                 => array( array( 'activation_failure' => true ), 'halted' ),
			'nothing known yet'                                 => array( array( 'mode' => null, 'result' => null ), 'unknown' ),
			'blocking background work'                          => array( array( 'mode' => 'background', 'blocking' => true, 'result' => 1 ), 'blocking' ),
		);
	}

	public function test_file_still_arriving_does_not_close_the_gate() {
		$state = $this->state( array( 'result' => 4, 'arriving' => true ) );
		$this->assertSame( array( 'open' => true, 'reason' => 'ready' ), Pet_Gate::decide( $state ) );
		$state['arriving'] = false;
		$this->assertFalse( Pet_Gate::decide( $state )['open'], 'the same invalid set, no longer arriving, closes it' );
	}

	public function test_non_blocking_background_work_is_open() {
		$this->assertSame( array( 'open' => true, 'reason' => 'background' ), Pet_Gate::decide( $this->state( array( 'mode' => 'background', 'result' => 1 ) ) ) );
	}

	public function test_filter_can_close_but_decision_stays_the_source() {
		$close = function () {
			return false;
		};
		add_filter( 'pet_is_available', $close );
		try {
			$this->assertFalse( Pet_Gate::is_open_for( $this->state( array() ) ) );
		} finally {
			remove_filter( 'pet_is_available', $close );
		}
		$this->assertTrue( Pet_Gate::is_open_for( $this->state( array() ) ) );
	}

	public function test_retry_after_only_while_waiting_helps() {
		$this->assertSame( 30, Pet_Gate::retry_after( 'migrating' ) );
		$this->assertNull( Pet_Gate::retry_after( 'maintenance' ) );
		$this->assertNull( Pet_Gate::retry_after( 'invalid' ) );
	}
}
