<?php
/**
 * pet_cutover_enabled(): a cut-over flag read from the state the engine's reports keep in step
 * (no query), with the staged share split by a stable bucket of a key.
 */

use PHPUnit\Framework\TestCase;

class CutoverFlagTest extends TestCase {

	protected function setUp(): void {
		$GLOBALS['pet_test_options'] = array();
		$GLOBALS['pet_test_user_id'] = 0;
	}

	private function report( $result, array $flags ) {
		$cutovers = array();
		foreach ( $flags as $flag => $percent ) {
			$cutovers[] = array( 'flag' => $flag, 'phase' => $percent > 0 ? 'cut_over' : 'verified', 'percent' => $percent );
		}
		return array( 'result' => $result, 'result_name' => 'PET_OK', 'message' => 'm', 'error' => null, 'mode' => 'ready',
			'schema_version' => '1', 'target_version' => '1', 'cutovers' => $cutovers, 'flags' => $flags );
	}

	public function test_off_until_a_report_says_on() {
		$this->assertFalse( pet_cutover_enabled( 'orders_v2' ) );
		Pet_State::record_report( $this->report( 0, array( 'orders_v2' => 0 ) ), 'status' );
		$this->assertFalse( pet_cutover_enabled( 'orders_v2' ) );
		Pet_State::record_report( $this->report( 0, array( 'orders_v2' => 100 ) ), 'status' );
		$this->assertTrue( pet_cutover_enabled( 'orders_v2' ) );
		$this->assertTrue( pet_cutover_enabled( 'orders_v2', 'any-key' ) );
		$this->assertFalse( pet_cutover_enabled( 'invoices_v2' ), 'an unknown flag is off' );
	}

	public function test_reports_that_did_not_read_the_database_keep_the_cached_flags() {
		Pet_State::record_report( $this->report( 0, array( 'orders_v2' => 100 ) ), 'status' );
		foreach ( array( Pet_Engine::LOCKED, Pet_Engine::CONFIG, Pet_Engine::INVALID ) as $result ) {
			Pet_State::record_report( $this->report( $result, array() ), 'status' );
			$this->assertTrue( pet_cutover_enabled( 'orders_v2' ), "a report with result $result must not clear the flags" );
		}
		$without = $this->report( 0, array() );
		unset( $without['flags'], $without['cutovers'] );
		Pet_State::record_report( $without, 'status' );
		$this->assertTrue( pet_cutover_enabled( 'orders_v2' ), 'a report without flags (an older engine, events) keeps them' );
		Pet_State::record_report( $this->report( 0, array( 'orders_v2' => 0 ) ), 'status' );
		$this->assertFalse( pet_cutover_enabled( 'orders_v2' ), 'switched back off' );
	}

	public function test_five_percent_is_five_percent_of_keys_and_stable() {
		Pet_State::record_report( $this->report( 1, array( 'orders_v2' => 5 ) ), 'status' );
		$on = array();
		for ( $i = 1; $i <= 10000; $i++ ) {
			if ( pet_cutover_enabled( 'orders_v2', "user-$i" ) ) {
				$on[] = $i;
			}
		}
		$this->assertGreaterThanOrEqual( 400, count( $on ) );
		$this->assertLessThanOrEqual( 600, count( $on ) );
		foreach ( $on as $i ) {
			$this->assertTrue( pet_cutover_enabled( 'orders_v2', "user-$i" ), 'the same key, the same answer' );
		}
		$this->assertFalse( pet_cutover_enabled( 'orders_v2' ), 'a visitor without a key sees a staged flag off' );
		$user = 1;
		while ( ! pet_cutover_enabled( 'orders_v2', (string) $user ) ) {
			++$user;
		}
		$GLOBALS['pet_test_user_id'] = $user;
		$this->assertTrue( pet_cutover_enabled( 'orders_v2' ), 'the logged-in user is the default key' );
		$GLOBALS['pet_test_user_id'] = $user + 1;
		$this->assertSame( pet_cutover_enabled( 'orders_v2', (string) ( $user + 1 ) ), pet_cutover_enabled( 'orders_v2' ) );
	}

	public function test_the_php_formula_is_the_engines() {
		foreach ( array( array( 'orders_v2', 'user-1' ), array( 'f', '' ), array( 'flag', 'ünïcode' ), array( 'x', "bad\xff" ) ) as $pair ) {
			$php = (int) ( hexdec( substr( hash( 'sha256', $pair[0] . "\0" . $pair[1] ), 0, 12 ) ) % 10000 );
			$this->assertSame( $php, pet_rollout_bucket( $pair[0], $pair[1] ) );
		}
		if ( function_exists( 'pet_migrate_rollout_bucket' ) ) {
			$this->assertSame( 616, pet_migrate_rollout_bucket( 'orders_v2', 'user-1' ) );
		}
	}
}
