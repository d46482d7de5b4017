<?php
/**
 * Figures, not pass/fail: what PET's per-request upgrade check costs, against the check of
 * PET 0.1.0 measured in the same process, in alternating rounds so that a busy machine slows
 * both alike. Run with the extension: make benchmark (or php -d extension=… this file).
 *
 *  - 0.1.0: stat the migrations folder (whole-second mtime), compare with a cached key.
 *  - now:   the engine lists the folder (pet_migrate_files: one stat per file, nanosecond
 *           times, no file opened), deployment key, Pet_Upgrade_Policy::decide().
 * Neither issues a database query (the state comes from an autoloaded option).
 */

require __DIR__ . '/../PHPUnit/bootstrap.php';

if ( ! function_exists( 'pet_migrate_files' ) ) {
	fwrite( STDERR, "the pet_migrate extension is not loaded\n" );
	exit( 1 );
}

$state  = array_merge(
	Pet_State::defaults(),
	array(
		'mode'           => 'ready',
		'result'         => 0,
		'schema_version' => '2026_02_10_0001',
	)
);
$cached = array(
	'key'    => '0.1.0|' . filemtime( PET_MIGRATIONS_DIR ),
	'newest' => '2026_02_10_0001',
);

$old = function () use ( $cached ) {
	clearstatcache();
	$key = PET_VERSION . '|' . filemtime( PET_MIGRATIONS_DIR );
	return $cached['key'] === $key ? $cached['newest'] : null;
};
$new = function () use ( $state ) {
	clearstatcache();
	Pet_Migration_Files::forget();
	$listing = Pet_Migration_Files::listing();
	return Pet_Upgrade_Policy::decide( $state, $listing, Pet_Migration_Files::key( $listing ), time(), 60 );
};
if ( 'none' !== $new() ) {
	fwrite( STDERR, "unexpected decision\n" );
	exit( 1 );
}

$n       = 5000;
$samples = array(
	'0.1.0' => array(),
	'now'   => array(),
);
for ( $round = 0; $round < 8; $round++ ) {
	foreach ( array( '0.1.0' => $old, 'now' => $new ) as $label => $check ) {
		$t = hrtime( true );
		for ( $i = 0; $i < $n; $i++ ) {
			$check();
		}
		$samples[ $label ][] = ( hrtime( true ) - $t ) / $n / 1000;
	}
}
foreach ( $samples as $label => $values ) {
	sort( $values );
	printf( "upgrade check %-6s median %6.1f us, best %6.1f us per request (%d migration file(s))\n", $label, $values[4], $values[0], count( glob( PET_MIGRATIONS_DIR . '/*.json' ) ) );
}
