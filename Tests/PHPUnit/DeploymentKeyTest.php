<?php
/**
 * Pet_Migration_Files: the deployment key, from the engine's own listing.
 */

use PHPUnit\Framework\TestCase;

class DeploymentKeyTest extends TestCase {

	private static $dir;

	public static function setUpBeforeClass(): void {
		self::$dir = sys_get_temp_dir() . '/pet-phpunit-' . getmypid();
		@mkdir( self::$dir );
	}

	public static function tearDownAfterClass(): void {
		array_map( 'unlink', glob( self::$dir . '/*' ) ?: array() );
		@rmdir( self::$dir );
	}

	private function requires_engine() {
		if ( ! function_exists( 'pet_migrate_files' ) ) {
			$this->fail( 'the pet_migrate extension is not loaded (run: make test-php-unit)' );
		}
	}

	public function test_key_changes_with_version_or_listing() {
		$listing = array( 'fingerprint' => 'abcd' );
		$this->assertSame( '0.1.0|abcd', Pet_Migration_Files::key_for( '0.1.0', $listing ) );
		$this->assertNotSame( Pet_Migration_Files::key_for( '0.1.0', $listing ), Pet_Migration_Files::key_for( '0.1.1', $listing ) );
		$this->assertNotSame( Pet_Migration_Files::key_for( '0.1.0', $listing ), Pet_Migration_Files::key_for( '0.1.0', array( 'fingerprint' => 'abce' ) ) );
	}

	public function test_settling_is_measured_on_the_engines_clock() {
		$listing = array( 'newest_change' => '1800000000.100000000', 'listed_at' => '1800000001.000000000' );
		$this->assertTrue( Pet_Migration_Files::is_settling( $listing ) );
		$listing['listed_at'] = '1800000002.200000000';
		$this->assertFalse( Pet_Migration_Files::is_settling( $listing ) );
		$this->assertFalse( Pet_Migration_Files::is_settling( Pet_Migration_Files::empty_listing( 'no-engine' ) ) );
	}

	public function test_only_recent_unparsable_files_look_like_arriving() {
		$listing = array( 'newest_change' => '1800000000.0', 'listed_at' => '1800000003.0' );
		$syntax  = array( 'result' => 4, 'problems' => array( array( 'kind' => 'syntax' ) ) );
		$this->assertTrue( Pet_Migration_Files::looks_like_arriving( $syntax, $listing ) );
		$this->assertFalse( Pet_Migration_Files::looks_like_arriving( array( 'result' => 4, 'problems' => array( array( 'kind' => 'syntax' ), array( 'kind' => 'destructive' ) ) ), $listing ), 'a destructive step is no upload in progress' );
		$this->assertFalse( Pet_Migration_Files::looks_like_arriving( array( 'result' => 3, 'problems' => array( array( 'kind' => 'syntax' ) ) ), $listing ) );
		$listing['listed_at'] = '1800000100.0';
		$this->assertFalse( Pet_Migration_Files::looks_like_arriving( $syntax, $listing ), 'an old broken file is a broken release' );
	}

	public function test_engine_listing_notices_every_file_of_one_second() {
		$this->requires_engine();
		$dir  = self::$dir;
		$keys = array( Pet_Migration_Files::key_for( '0.1.0', Pet_Migration_Files::read( $dir ) ) );
		foreach ( array( '2026_03_01_0001_one.json', '2026_03_01_0002_two.json' ) as $name ) {
			file_put_contents( "$dir/$name", '{"steps": [' );
			$keys[] = Pet_Migration_Files::key_for( '0.1.0', Pet_Migration_Files::read( $dir ) );
		}
		file_put_contents( "$dir/2026_03_01_0002_two.json", ']}', FILE_APPEND ); // the rest of an upload
		$listing = Pet_Migration_Files::read( $dir );
		$keys[]  = Pet_Migration_Files::key_for( '0.1.0', $listing );
		$this->assertCount( 4, array_unique( $keys ), 'every change, within one second, gives a new key' );
		$this->assertSame( '2026_03_01_0002', Pet_Migration_Files::newest_version( $listing ) );
		$this->assertTrue( Pet_Migration_Files::is_settling( $listing ), 'files written just now are still settling' );
		$this->assertSame( $keys[3], Pet_Migration_Files::key_for( '0.1.0', Pet_Migration_Files::read( $dir ) ), 'no change, same key' );
	}

	public function test_engine_name_rule_is_the_only_rule() {
		$this->requires_engine();
		$dir = self::$dir . '/names';
		@mkdir( $dir );
		file_put_contents( "$dir/2026_03_01_0001_Upper.json", '{}' );
		file_put_contents( "$dir/2026_03_01_0002_fine.json", '{}' );
		$listing = Pet_Migration_Files::read( $dir );
		array_map( 'unlink', glob( "$dir/*" ) );
		rmdir( $dir );
		$names = array();
		foreach ( $listing['files'] as $file ) {
			$names[ $file['file'] ] = $file['version'];
		}
		$this->assertSame( '2026_03_01_0002', $names['2026_03_01_0002_fine.json'] );
		$this->assertNull( $names['2026_03_01_0001_Upper.json'], 'upper case is refused by the engine' );
		$this->assertSame( 4, $listing['result'], 'PET_INVALID names the bad files' );
		$this->assertContains( '2026_03_01_0001_Upper.json', array_column( $listing['problems'], 'file' ) );
	}

	public function test_per_request_listing_leaves_the_files_out_and_names_them_on_demand() {
		$this->requires_engine();
		Pet_Migration_Files::forget();
		$brief = Pet_Migration_Files::listing();
		$full  = Pet_Migration_Files::read( PET_MIGRATIONS_DIR );
		$this->assertNull( $brief['files'], 'the listing asked on every request carries no entry per file' );
		$this->assertSame( count( $full['files'] ), $brief['file_count'] );
		$this->assertSame( $full['fingerprint'], $brief['fingerprint'], 'the same deployment key either way' );
		$this->assertSame( $full['newest_version'], $brief['newest_version'] );
		$this->assertSame( 'create_core_tables', Pet_Migration_Files::name_of( '2026_02_10_0001' ), 'a message still finds a file\'s name' );
		$this->assertNull( Pet_Migration_Files::name_of( '2099_01_01_0001' ) );
	}

	public function test_listing_costs_microseconds() {
		$this->requires_engine();
		$n = 2000;
		$t = hrtime( true );
		for ( $i = 0; $i < $n; $i++ ) {
			Pet_Migration_Files::read( PET_MIGRATIONS_DIR );
		}
		$us = ( hrtime( true ) - $t ) / $n / 1000;
		fwrite( STDERR, sprintf( "\n# pet_migrate_files() on php/migrations: %.1f us per call\n", $us ) );
		$this->assertLessThan( 500, $us );
	}

	public function test_without_the_extension_the_key_says_so() {
		$this->assertSame( '0.1.0|no-engine', Pet_Migration_Files::key_for( '0.1.0', Pet_Migration_Files::empty_listing( 'no-engine' ) ) );
	}
}
