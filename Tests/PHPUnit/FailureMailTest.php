<?php
/**
 * Pet_Failure_Mail: an email when an automatic upgrade fails, at most once per failure.
 */

use PHPUnit\Framework\TestCase;

class FailureMailTest extends TestCase {

	private function report( $result = 3, $version = '2026_03_02_0001' ) {
		return array(
			'result' => $result,
			'error'  => array( 'kind' => 'missing_table', 'version' => $version, 'step' => 2, 'file' => null, 'reason' => 'no such table' ),
		);
	}

	public function test_only_automatic_upgrades_mail() {
		$report = $this->report();
		$sig    = Pet_Failure_Mail::signature( $report );
		$state  = Pet_State::defaults();
		$this->assertTrue( Pet_Failure_Mail::should_send( 'upgrade', $report, $state, $sig ) );
		$this->assertTrue( Pet_Failure_Mail::should_send( 'auto-update', $report, $state, $sig ) );
		foreach ( array( 'activation', 'retry', 'cli', 'cli-resume', 'update', 'status' ) as $interactive ) {
			$this->assertFalse( Pet_Failure_Mail::should_send( $interactive, $report, $state, $sig ), $interactive );
		}
	}

	public function test_once_per_failure() {
		$report          = $this->report();
		$sig             = Pet_Failure_Mail::signature( $report );
		$state           = Pet_State::defaults();
		$state['mailed'] = $sig;
		$this->assertFalse( Pet_Failure_Mail::should_send( 'upgrade', $report, $state, $sig ), 'the same failure found again' );
		$other = $this->report( 3, '2026_03_05_0001' );
		$this->assertTrue( Pet_Failure_Mail::should_send( 'upgrade', $other, $state, Pet_Failure_Mail::signature( $other ) ), 'another failure' );
		$this->assertSame( $sig, Pet_Failure_Mail::signature( $this->report() ), 'stable' );
	}

	public function test_no_mail_for_success_a_busy_lock_or_a_file_still_arriving() {
		foreach ( array( 0, 1, 2 ) as $result ) {
			$report = $this->report( $result );
			$this->assertFalse( Pet_Failure_Mail::should_send( 'upgrade', $report, Pet_State::defaults(), Pet_Failure_Mail::signature( $report ) ) );
		}
		$report            = $this->report( 4 );
		$state             = Pet_State::defaults();
		$state['arriving'] = true;
		$this->assertFalse( Pet_Failure_Mail::should_send( 'upgrade', $report, $state, Pet_Failure_Mail::signature( $report ) ) );
	}
}
