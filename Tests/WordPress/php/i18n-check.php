<?php
/**
 * Static check of the plugin's translatable strings (no WordPress needed):
 *   php i18n-check.php PLUGIN_DIR
 * prints JSON: { "calls": N, "msgids": [...], "problems": ["file:line: ..."] }.
 * Every gettext call must have a literal string as its text and the literal 'pet' as its
 * text domain (the last argument).
 */

$pet_functions = array( '__', '_e', '_x', '_n', 'esc_html__', 'esc_html_e', 'esc_attr__', 'esc_attr_e' );
$pet_out       = array( 'calls' => 0, 'msgids' => array(), 'problems' => array() );
$pet_files     = new RecursiveIteratorIterator( new RecursiveDirectoryIterator( $argv[1], FilesystemIterator::SKIP_DOTS ) );

foreach ( $pet_files as $pet_file ) {
	if ( 'php' !== $pet_file->getExtension() ) {
		continue;
	}
	$tokens = token_get_all( file_get_contents( $pet_file->getPathname() ) );
	$count  = count( $tokens );
	for ( $i = 0; $i < $count; $i++ ) {
		if ( ! is_array( $tokens[ $i ] ) || T_STRING !== $tokens[ $i ][0] || ! in_array( $tokens[ $i ][1], $pet_functions, true ) ) {
			continue;
		}
		$j = $i + 1;
		while ( $j < $count && is_array( $tokens[ $j ] ) && T_WHITESPACE === $tokens[ $j ][0] ) {
			$j++;
		}
		if ( '(' !== $tokens[ $j ] ) {
			continue;
		}
		// Split the arguments at top-level commas.
		$args  = array( array() );
		$depth = 0;
		for ( $k = $j + 1; $k < $count; $k++ ) {
			$t = $tokens[ $k ];
			if ( in_array( $t, array( '(', '[' ), true ) ) {
				$depth++;
			} elseif ( in_array( $t, array( ')', ']' ), true ) ) {
				if ( 0 === $depth-- ) {
					break;
				}
			} elseif ( ',' === $t && 0 === $depth ) {
				$args[] = array();
				continue;
			}
			if ( ! is_array( $t ) || ! in_array( $t[0], array( T_WHITESPACE, T_COMMENT ), true ) ) {
				$args[ count( $args ) - 1 ][] = $t;
			}
		}
		$where = basename( $pet_file->getPathname() ) . ':' . $tokens[ $i ][2];
		$pet_out['calls']++;
		$first  = $args[0];
		$domain = end( $args );
		if ( 1 !== count( $first ) || ! is_array( $first[0] ) || T_CONSTANT_ENCAPSED_STRING !== $first[0][0] ) {
			$pet_out['problems'][] = $where . ': the text is not a literal string';
		} else {
			$pet_out['msgids'][] = stripcslashes( substr( $first[0][1], 1, -1 ) );
		}
		if ( 1 !== count( $domain ) || ! is_array( $domain[0] ) || "'pet'" !== $domain[0][1] ) {
			$pet_out['problems'][] = $where . ': text domain is not \'pet\'';
		}
	}
}
$pet_out['msgids'] = array_values( array_unique( $pet_out['msgids'] ) );
echo json_encode( $pet_out );
