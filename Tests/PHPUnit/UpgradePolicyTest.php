<?php
/**
 * Pet_Upgrade_Policy: whether an ordinary request runs the engine.
 */

use PHPUnit\Framework\TestCase;

class UpgradePolicyTest extends TestCase {

	const NOW = 1800000000;

	private function state( array $overrides = array() ) {
		return array_merge(
			Pet_State::defaults(),
			array(
				'mode'           => 'ready',
				'result'         => 0,
				'schema_version' => '2026_02_10_0001',
				'attempt_key'    => '0.1.0|aaaa',
				'attempted_at'   => self::NOW - 3600,
			),
			$overrides
		);
	}

	private function listing( $newest = '2026_02_10_0001', $fingerprint = 'aaaa', $changed_ago = 3600.0 ) {
		return array(
			'newest_version' => $newest,
			'fingerprint'    => $fingerprint,
			'newest_change'  => sprintf( '%.9f', self::NOW - $changed_ago ),
			'listed_at'      => sprintf( '%.9f', self::NOW ),
		);
	}

	private function decide( array $state, array $listing ) {
		return Pet_Upgrade_Policy::decide( $state, $listing, Pet_Migration_Files::key_for( '0.1.0', $listing ), self::NOW, 60 );
	}

	public function test_up_to_date_site_does_nothing() {
		$this->assertSame( 'none', $this->decide( $this->state(), $this->listing() ) );
	}

	public function test_a_new_plugin_version_without_new_migrations_does_nothing() {
		$listing = $this->listing();
		$this->assertSame( 'none', Pet_Upgrade_Policy::decide( $this->state(), $listing, Pet_Migration_Files::key_for( '0.2.0', $listing ), self::NOW, 60 ) );
	}

	public function test_new_migration_runs_once_settled() {
		$this->assertSame( 'run', $this->decide( $this->state(), $this->listing( '2026_03_01_0001', 'bbbb' ) ) );
	}

	public function test_files_changed_a_moment_ago_wait_for_the_deployment_to_finish() {
		$this->assertSame( 'settling', $this->decide( $this->state(), $this->listing( '2026_03_01_0001', 'bbbb', 0.5 ) ) );
		$this->assertSame( 'run', $this->decide( $this->state(), $this->listing( '2026_03_01_0001', 'bbbb', 2.5 ) ) );
	}

	public function test_second_file_of_a_deployment_is_noticed_after_the_first_was_applied() {
		// The first file was applied under key "bbbb"; a second file lands in the same second.
		$state = $this->state( array( 'schema_version' => '2026_03_01_0001', 'attempt_key' => '0.1.0|bbbb', 'attempted_at' => self::NOW ) );
		$this->assertSame( 'run', $this->decide( $state, $this->listing( '2026_03_01_0002', 'cccc' ) ) );
	}

	public function test_failed_migration_waits_for_an_operator_or_a_new_deployment() {
		$state = $this->state( array( 'mode' => 'maintenance', 'result' => 3, 'attempt_key' => '0.1.0|bbbb', 'attempted_at' => self::NOW - 86400 ) );
		$this->assertSame( 'wait', $this->decide( $state, $this->listing( '2026_03_01_0001', 'bbbb' ) ) );
		$this->assertSame( 'run', $this->decide( $state, $this->listing( '2026_03_01_0001', 'cccc' ) ), 'a new deployment is tried' );
	}

	/** @dataProvider transient_results */
	public function test_runs_that_could_not_start_are_retried_after_the_pause( $result ) {
		$state = $this->state( array( 'result' => $result, 'attempt_key' => '0.1.0|bbbb', 'attempted_at' => self::NOW - 30 ) );
		$this->assertSame( 'wait', $this->decide( $state, $this->listing( '2026_03_01_0001', 'bbbb' ) ) );
		$state['attempted_at'] = self::NOW - 61;
		$this->assertSame( 'run', $this->decide( $state, $this->listing( '2026_03_01_0001', 'bbbb' ) ) );
	}

	public function transient_results() {
		return array( 'locked' => array( 2 ), 'invalid' => array( 4 ), 'config' => array( 5 ) );
	}

	public function test_completed_file_is_run_at_once_not_after_the_pause() {
		// A half-written file was read: invalid, "arriving". Writing the rest changes the key.
		$state = $this->state( array( 'result' => 4, 'arriving' => true, 'attempt_key' => '0.1.0|half', 'attempted_at' => self::NOW - 1 ) );
		$this->assertSame( 'wait', $this->decide( $state, $this->listing( '2026_03_01_0001', 'half', 3.0 ) ) );
		$this->assertSame( 'run', $this->decide( $state, $this->listing( '2026_03_01_0001', 'whole', 2.1 ) ) );
	}

	public function test_another_process_migrating_is_left_alone_but_a_crashed_run_is_not() {
		$state = $this->state( array( 'mode' => 'migrating', 'migrating_since' => self::NOW - 10, 'schema_version' => '2026_02_10_0001' ) );
		$this->assertSame( 'wait', $this->decide( $state, $this->listing( '2026_03_01_0001', 'bbbb' ) ) );
		$state['migrating_since'] = self::NOW - Pet_Upgrade_Policy::STALE_MIGRATING_SECONDS - 1;
		$this->assertSame( 'recover', $this->decide( $state, $this->listing( '2026_03_01_0001', 'bbbb' ) ), 'a stale mark is a crashed run: the engine recovers it, in the background' );
		$this->assertSame( 'recover', Pet_Upgrade_Policy::decide( $state, $this->listing( '2026_03_01_0001', 'bbbb' ), '0.1.0|bbbb', self::NOW, 60, true ), 'an admin page does not run it inline either: a server timeout may have killed it there' );
		$state['migrating_since'] = 0; // "migrating" read from the engine's own state row.
		$this->assertSame( 'run', $this->decide( $state, $this->listing() ) );
	}

	public function test_a_handed_off_deployment_is_left_to_the_background_by_visitors_but_not_by_admin_pages() {
		$listing = $this->listing( '2026_03_01_0001', 'bbbb' );
		$key     = Pet_Migration_Files::key_for( '0.1.0', $listing );
		$state   = $this->state( array( 'mode' => 'migrating', 'migrating_since' => self::NOW - 10, 'handed_off_at' => self::NOW - 10, 'attempt_key' => $key ) );
		$this->assertSame( 'wait', Pet_Upgrade_Policy::decide( $state, $listing, $key, self::NOW, 60, false ), 'a visitor does not run it, nor hand it off again' );
		$this->assertSame( 'run', Pet_Upgrade_Policy::decide( $state, $listing, $key, self::NOW, 60, true ), 'an admin page runs it once no background request took it' );
		$fresh = array_merge( $state, array( 'handed_off_at' => self::NOW - 2, 'migrating_since' => self::NOW - 2 ) );
		$this->assertSame( 'wait', Pet_Upgrade_Policy::decide( $fresh, $listing, $key, self::NOW, 60, true ), 'a hand-off of a moment ago is left to the background' );
		$taken = array_merge( $state, array( 'migrating_since' => self::NOW - 1 ) );
		$this->assertSame( 'wait', Pet_Upgrade_Policy::decide( $taken, $listing, $key, self::NOW, 60, true ), 'one a background slice is running is left to it' );
		$state['recovering'] = true;
		$this->assertSame( 'wait', Pet_Upgrade_Policy::decide( $state, $listing, $key, self::NOW, 60, true ), 'a run that never ended, handed off, is left to the background' );
		$state['recovering']    = false;
		$state['handed_off_at'] = 0;
		$this->assertSame( 'wait', Pet_Upgrade_Policy::decide( $state, $listing, $key, self::NOW, 60, true ), 'a run someone else started is not run twice' );
	}

	public function test_a_listing_the_engine_could_not_make_is_reported_by_the_engine() {
		$missing = Pet_Migration_Files::empty_listing( 'no-engine' ); // the extension is gone
		$this->assertSame( 'run', $this->decide( $this->state(), $missing ), 'one attempt tells the administrator' );
		$state = $this->state( array( 'result' => 5, 'attempt_key' => '0.1.0|no-engine', 'attempted_at' => self::NOW - 10 ) );
		$this->assertSame( 'wait', $this->decide( $state, $missing ), 'then the pause' );
		$misnamed           = $this->listing( '2026_02_10_0001', 'dddd' );
		$misnamed['result'] = 4;
		$this->assertSame( 'run', $this->decide( $this->state(), $misnamed ), 'a misnamed file is reported by the engine' );
	}

	public function test_halted_activation_waits_for_an_administrator() {
		$this->assertSame( 'none', $this->decide( $this->state( array( 'activation_failure' => true, 'result' => 3 ) ), $this->listing( '2026_03_01_0001', 'bbbb' ) ) );
	}
}
