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
			'data work whose migration gates everything'        => array( array( 'mode' => 'background', 'gates' => 'everything', 'result' => 1 ), 'blocking' ),
			'a visitor found a deployment and handed it off'    => array( array( 'mode' => 'migrating', 'migrating_since' => 1000, 'handed_off_at' => 1000 ), 'migrating' ),
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
		$this->assertSame( array( 'open' => true, 'reason' => 'background' ), Pet_Gate::decide( $this->state( array( 'mode' => 'background', 'gates' => 'nothing', 'result' => 1 ) ), true ) );
	}

	public function test_work_that_gates_writes_closes_writes_only() {
		$state = $this->state( array( 'mode' => 'background', 'gates' => 'writes', 'result' => 1 ) );
		$this->assertSame( array( 'open' => true, 'reason' => 'background' ), Pet_Gate::decide( $state ), 'reads stay open' );
		$this->assertSame( array( 'open' => false, 'reason' => 'blocking' ), Pet_Gate::decide( $state, true ), 'writes wait' );
		$this->assertTrue( Pet_Gate::is_open_for( $state ) );
		$this->assertFalse( Pet_Gate::is_open_for( $state, true ) );
		// Once the work is done the engine reports gates null and mode ready: both open.
		$this->assertTrue( Pet_Gate::is_open_for( $this->state( array( 'gates' => null ) ), true ) );
	}

	public function test_retry_after_follows_the_work_eta() {
		$work  = array(
			array( 'status' => 'running', 'eta_seconds' => 12 ),
			array( 'status' => 'queued', 'eta_seconds' => 95 ),
		);
		$state = $this->state( array( 'mode' => 'background', 'gates' => 'everything', 'work' => $work ) );
		$this->assertSame( 95, Pet_Gate::retry_after( 'blocking', $state ), 'the longest ETA' );
		$state['work'] = array( array( 'status' => 'running', 'eta_seconds' => 1 ) );
		$this->assertSame( 5, Pet_Gate::retry_after( 'blocking', $state ), 'at least 5 s' );
		$state['work'] = array( array( 'status' => 'running', 'eta_seconds' => 86400 ) );
		$this->assertSame( 3600, Pet_Gate::retry_after( 'blocking', $state ), 'at most an hour' );
		$state['work'] = array( array( 'status' => 'running', 'eta_seconds' => null ) );
		$this->assertSame( 30, Pet_Gate::retry_after( 'blocking', $state ), 'no ETA yet: the default' );
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
