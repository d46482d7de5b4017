<?php
/**
 * Pet_Messages: words for administrators, chosen by the engine's error kind.
 */

use PHPUnit\Framework\TestCase;

class MessagesTest extends TestCase {

	const KINDS = array( 'file_name', 'unreadable', 'syntax', 'duplicate_version', 'invalid_step', 'destructive', 'checksum_mismatch', 'missing_file', 'out_of_order', 'table_mismatch', 'missing_table', 'missing_column', 'lock_wait_timeout', 'connection', 'database_error', 'extension_missing', 'extension_error' );

	public function test_every_engine_error_kind_has_its_own_sentence() {
		$sentences = array();
		foreach ( self::KINDS as $kind ) {
			$text = Pet_Messages::explanation( $kind );
			$this->assertNotSame( '', $text, $kind );
			$this->assertStringNotContainsString( '`', $text, "$kind: no literal backticks" );
			$this->assertStringNotContainsString( 'pet-migrate', $text, "$kind: no command-line tool for an administrator" );
			$sentences[] = $text;
		}
		$this->assertGreaterThanOrEqual( 12, count( array_unique( $sentences ) ) );
	}

	public function test_invalid_files_never_claim_a_migration_was_applied_or_undone() {
		foreach ( array( 'file_name', 'syntax', 'duplicate_version', 'destructive', 'checksum_mismatch' ) as $kind ) {
			$this->assertStringContainsString( 'none ran', Pet_Messages::explanation( $kind ), $kind );
		}
		$this->assertStringNotContainsString( 'could not be applied', Pet_Messages::headline( 'invalid' ) );
		$this->assertStringContainsString( 'no database update ran', Pet_Messages::headline( 'invalid' ) );
	}

	public function test_unknown_kind_falls_back_to_the_result_code() {
		$this->assertStringContainsString( 'undone', Pet_Messages::explanation( 'something_new', 3 ) );
		$this->assertSame( '', Pet_Messages::explanation( null, 0 ) );
	}

	public function test_one_headline_per_state() {
		$headlines = array();
		foreach ( array( 'halted', 'migrating', 'maintenance', 'invalid', 'config', 'unknown' ) as $reason ) {
			$headlines[ $reason ] = Pet_Messages::headline( $reason );
		}
		$this->assertCount( 6, array_unique( $headlines ) );
	}

	public function test_advice_fits_the_context() {
		$inactive = Pet_Messages::advice( 'inactive', 'maintenance' );
		$this->assertStringContainsString( 'wp plugin activate pet', $inactive );
		$this->assertStringNotContainsString( 'resume', $inactive, 'wp pet migrate does not exist while PET is inactive' );
		$cli = Pet_Messages::advice( 'cli-inactive', 'maintenance', true );
		$this->assertStringContainsString( 'deactivated itself', $cli );
		$this->assertStringContainsString( 'wp plugin activate pet --network', $cli );
		$this->assertStringContainsString( 'wp pet migrate resume --url=http://example.org/site2/', Pet_Messages::advice( 'active', 'maintenance', false, 'http://example.org/site2/' ) );
		$this->assertStringContainsString( 'Retry', Pet_Messages::advice( 'active', 'maintenance' ) );
		$this->assertStringContainsString( 'Nothing to do', Pet_Messages::advice( 'active', 'migrating' ) );
	}

	public function test_visitors_are_told_what_will_happen() {
		$this->assertStringContainsString( 'try again in a minute', Pet_Messages::visitor( 'migrating' ) );
		foreach ( array( 'maintenance', 'invalid', 'config', 'halted' ) as $reason ) {
			$text = Pet_Messages::visitor( $reason );
			$this->assertStringContainsString( 'administrator', $text, $reason );
			$this->assertStringNotContainsString( 'few minutes', $text, $reason );
		}
	}

	public function test_outcomes_are_words_not_codes() {
		for ( $code = 0; $code <= 5; $code++ ) {
			$this->assertStringNotContainsString( 'PET_', Pet_Messages::outcome( $code ) );
		}
		$this->assertStringContainsString( 'up to date', Pet_Messages::outcome( 0 ) );
	}

	public function test_details_are_data_and_the_story_reads_in_order() {
		$error = array( 'kind' => 'missing_table', 'version' => '2026_03_02_0001', 'step' => 2, 'reason' => "Table 'wp.wp_pet_no_such_table' doesn't exist", 'file' => '2026_03_02_0001_broken_add_labels.json' );
		$details = Pet_Messages::details( $error );
		$this->assertSame( array( 'Migration', 'Step', 'Reason', 'File' ), array_keys( $details ) );
		$this->assertSame( '2', $details['Step'] );
		$text = Pet_Messages::plain( 'halted', $error, 3, 'cli-inactive' );
		$lines = explode( "\n", $text );
		$this->assertSame( Pet_Messages::headline( 'halted' ), $lines[0] );
		$this->assertStringContainsString( 'wp plugin activate pet', end( $lines ) );
		$this->assertSame( array( 'Reason' => 'could not connect' ), Pet_Messages::details( null, 'could not connect' ) );
	}
}
