<?php
/**
 * WP-CLI STAND-IN (test double). WP-CLI itself cannot be installed on these machines, so the
 * tests drive PET through this small stand-in of the WP_CLI API PET calls, written to behave
 * like WP-CLI 2.12 (wp-cli/wp-cli v2.12.0 and wp-cli/extension-command, read for this; no code
 * copied) wherever PET's behaviour depends on it:
 *
 *  - the command line is validated against the method's docblock synopsis before the command
 *    runs: an unknown option or a --format value the synopsis does not list ends with
 *    "Error: Parameter errors:" and exit 1, an extra positional argument with
 *    "Error: Too many positional arguments: …" and exit 1; defaults from the synopsis are filled;
 *  - the short description is the first docblock line only, and every other docblock line is
 *    printed as its own line (so a sentence spread over two lines breaks in `wp help`);
 *  - --quiet silences log(), success() and warning(), not error() or line();
 *  - error() prints "Error: " to STDERR and exits 1 (or the given code >= 1); halt() exits;
 *  - format_items() prints tables tab-separated with a header line when STDOUT is not a
 *    terminal, with ASCII borders on a terminal; json has no trailing newline;
 *  - make_progress_bar() draws only on a terminal (otherwise a no-op object);
 *  - "is a terminal" follows SHELL_PIPE when set, else posix_isatty( STDOUT );
 *  - `wp plugin activate` counts activate_plugin() results like extension-command: a plugin
 *    that deactivated itself only earns "Warning: Could not activate the 'pet' plugin." and
 *    the batch still reports "Success: Activated 1 of 1 plugins." with exit 0.
 *
 * It ends a command by throwing Pet_WP_CLI_Standin_Exit instead of exit(), so one process can
 * run several commands and see their exit codes. Nothing of this file ships in the plugin.
 */

namespace {

	define( 'WP_CLI', true );

	/** Thrown instead of exit() by the stand-in. */
	class Pet_WP_CLI_Standin_Exit extends \Exception {
	}

	/** The stand-in of the WP_CLI class (only what PET's code and its tests call). */
	class WP_CLI {
		/** @var array<string,string|object> Registered commands. */
		public static $commands = array();
		/** @var string Captured STDERR. */
		public static $stderr = '';
		/** @var bool --quiet */
		public static $quiet = false;

		public static function add_command( $name, $callable ) {
			self::$commands[ $name ] = $callable;
			return true;
		}

		public static function log( $message ) {
			if ( ! self::$quiet ) {
				echo $message, "\n";
			}
		}

		public static function line( $message = '' ) {
			echo $message, "\n";
		}

		public static function success( $message ) {
			if ( ! self::$quiet ) {
				echo 'Success: ', $message, "\n";
			}
		}

		public static function warning( $message ) {
			if ( ! self::$quiet ) {
				self::$stderr .= 'Warning: ' . $message . "\n";
			}
		}

		public static function debug( $message, $group = false ) {
		}

		public static function error( $message, $exit = true ) {
			self::$stderr .= 'Error: ' . $message . "\n";
			$code = false;
			if ( true === $exit ) {
				$code = 1;
			} elseif ( is_int( $exit ) && $exit >= 1 ) {
				$code = $exit;
			}
			if ( $code ) {
				throw new Pet_WP_CLI_Standin_Exit( 'exit', $code );
			}
		}

		public static function halt( $return_code ) {
			throw new Pet_WP_CLI_Standin_Exit( 'halt', (int) $return_code );
		}

		/** Whether STDOUT is a terminal, as WP-CLI decides it. */
		public static function is_piped() {
			$shell_pipe = getenv( 'SHELL_PIPE' );
			if ( false !== $shell_pipe ) {
				return filter_var( $shell_pipe, FILTER_VALIDATE_BOOLEAN );
			}
			return function_exists( 'posix_isatty' ) && ! posix_isatty( STDOUT );
		}

		/**
		 * Runs "<command> <subcommand> [<positional>…]" like `wp` would and returns what a shell
		 * would see. Global flag understood: quiet.
		 *
		 * @param string $command    e.g. "pet migrate status" or "plugin activate pet".
		 * @param array  $assoc_args e.g. array( 'format' => 'json' ).
		 * @param array  $args       More positional arguments.
		 * @return array{exit:int,stdout:string,stderr:string}
		 */
		public static function run( $command, array $assoc_args = array(), array $args = array() ) {
			self::$stderr = '';
			self::$quiet  = ! empty( $assoc_args['quiet'] );
			unset( $assoc_args['quiet'] );
			$words = explode( ' ', $command );
			$name  = null;
			for ( $n = count( $words ) - 1; $n >= 1; $n-- ) {
				$candidate = implode( ' ', array_slice( $words, 0, $n ) );
				if ( isset( self::$commands[ $candidate ] ) ) {
					$name = $candidate;
					break;
				}
			}
			if ( null === $name ) {
				return array( 'exit' => 1, 'stdout' => '', 'stderr' => "Error: '" . implode( ' ', array_slice( $words, 0, 2 ) ) . "' is not a registered wp command. See 'wp help' for available commands.\n" );
			}
			$subcommand = $words[ count( explode( ' ', $name ) ) ];
			$args       = array_merge( array_slice( $words, count( explode( ' ', $name ) ) + 1 ), $args );
			$class      = self::$commands[ $name ];
			$instance   = is_object( $class ) ? $class : new $class();
			$exit       = 0;
			$level      = ob_get_level();
			ob_start();
			try {
				$method = new \ReflectionMethod( $instance, str_replace( '-', '_', $subcommand ) );
				list( $args, $assoc_args ) = Pet_WP_CLI_Standin_Synopsis::validate( (string) $method->getDocComment(), $args, $assoc_args );
				$method->invoke( $instance, $args, $assoc_args );
			} catch ( Pet_WP_CLI_Standin_Exit $e ) {
				$exit = $e->getCode();
			}
			// exit() inside a hook would flush WordPress's own output buffers; do the same.
			$stdout = '';
			while ( ob_get_level() > $level ) {
				$stdout = ob_get_clean() . $stdout;
			}
			return array( 'exit' => $exit, 'stdout' => $stdout, 'stderr' => self::$stderr );
		}

		/**
		 * What `wp help` shows of a command: its short description (the first docblock line)
		 * and the rest of the docblock, line by line.
		 *
		 * @param string $command e.g. "pet migrate resume" or "pet migrate".
		 * @return array{shortdesc:string,longdesc:string}
		 */
		public static function help( $command ) {
			if ( isset( self::$commands[ $command ] ) ) {
				$class = self::$commands[ $command ];
				$doc   = ( new \ReflectionClass( $class ) )->getDocComment();
			} else {
				$words      = explode( ' ', $command );
				$subcommand = array_pop( $words );
				$doc        = ( new \ReflectionMethod( self::$commands[ implode( ' ', $words ) ], $subcommand ) )->getDocComment();
			}
			return Pet_WP_CLI_Standin_Synopsis::describe( (string) $doc );
		}
	}

	/** Reads a docblock the way WP-CLI's DocParser and SynopsisValidator read it. */
	class Pet_WP_CLI_Standin_Synopsis {

		/** The docblock's text without comment markers. */
		public static function text( $doc ) {
			$doc = preg_replace( '#^/\*\*\s*|\s*\*/$#', '', $doc );
			return preg_replace( '/^[ \t]*\* ?/m', '', $doc );
		}

		/** Short description (first line) and the rest, up to the first @tag. */
		public static function describe( $doc ) {
			$text      = self::text( $doc );
			$shortdesc = preg_match( '|^([^@][^\n]+)\n*|', $text, $m ) ? $m[1] : '';
			$rest      = array();
			foreach ( explode( "\n", substr( $text, strlen( $shortdesc ) ) ) as $line ) {
				if ( 0 === strpos( $line, '@' ) ) {
					break;
				}
				$rest[] = $line;
			}
			return array(
				'shortdesc' => $shortdesc,
				'longdesc'  => trim( implode( "\n", $rest ) ),
			);
		}

		/**
		 * The parameters of the ## OPTIONS section: name => type (positional, assoc, flag),
		 * optional, description, default, options.
		 */
		public static function parameters( $doc ) {
			$text = self::text( $doc );
			if ( ! preg_match( '/## OPTIONS\n(.*?)(\n## |\n@|$)/s', $text, $m ) ) {
				return null;
			}
			$params = array();
			$lines  = explode( "\n", $m[1] );
			$count  = count( $lines );
			for ( $i = 0; $i < $count; $i++ ) {
				$line = trim( $lines[ $i ] );
				if ( ! preg_match( '/^(\[)?(--[a-z][a-z0-9-]*(=<[a-z-]+>)?|<[a-z-]+>)(\.\.\.)?\]?$/', $line, $p ) ) {
					continue;
				}
				$token    = $p[2];
				$optional = '[' === $p[1];
				if ( 0 === strpos( $token, '--' ) ) {
					$type = false === strpos( $token, '=' ) ? 'flag' : 'assoc';
					$name = preg_replace( '/^--([a-z0-9-]+).*$/', '$1', $token );
				} else {
					$type = 'positional';
					$name = trim( $token, '<>' );
				}
				$param = array(
					'type'      => $type,
					'optional'  => $optional,
					'repeating' => ! empty( $p[4] ),
					'desc'      => '',
				);
				if ( isset( $lines[ $i + 1 ] ) && 0 === strpos( trim( $lines[ $i + 1 ] ), ': ' ) ) {
					$param['desc'] = substr( trim( $lines[ $i + 1 ] ), 2 );
				}
				// A YAML block between --- lines (before the next parameter): default and options.
				$in_yaml = false;
				for ( $j = $i + 1; $j < $count; $j++ ) {
					$next = trim( $lines[ $j ] );
					if ( ! $in_yaml && preg_match( '/^\[?(--[a-z]|<)/', $next ) ) {
						break;
					}
					if ( '---' === $next ) {
						if ( $in_yaml ) {
							break;
						}
						$in_yaml = true;
					} elseif ( $in_yaml && preg_match( '/^default:\s*(.*)$/', $next, $d ) ) {
						$param['default'] = $d[1];
					} elseif ( $in_yaml && preg_match( '/^-\s*(.*)$/', $next, $o ) ) {
						$param['options'][] = $o[1];
					}
				}
				$params[ $name ] = $param;
			}
			return $params;
		}

		/**
		 * Validates a command line against a docblock synopsis, as WP-CLI does before it calls
		 * the command. Returns the arguments with the synopsis defaults filled in.
		 */
		public static function validate( $doc, array $args, array $assoc_args ) {
			$params = self::parameters( $doc );
			if ( null === $params ) {
				return array( $args, $assoc_args );
			}
			$positional = array_filter( $params, function ( $p ) { return 'positional' === $p['type']; } );
			$repeating  = array_filter( $positional, function ( $p ) { return $p['repeating']; } );
			if ( ! $repeating && count( $args ) > count( $positional ) ) {
				WP_CLI::error( 'Too many positional arguments: ' . implode( ' ', array_slice( $args, count( $positional ) ) ) );
			}
			$errors = array();
			foreach ( $params as $name => $param ) {
				if ( 'assoc' !== $param['type'] ) {
					continue;
				}
				if ( ! isset( $assoc_args[ $name ] ) && isset( $param['default'] ) ) {
					$assoc_args[ $name ] = $param['default'];
				}
				if ( isset( $assoc_args[ $name ], $param['options'] ) && ! in_array( (string) $assoc_args[ $name ], $param['options'], true ) ) {
					$errors[] = "Invalid value specified for '{$name}'" . ( '' !== $param['desc'] ? " ({$param['desc']})" : '' );
				}
			}
			foreach ( array_keys( $assoc_args ) as $key ) {
				if ( ! isset( $params[ $key ] ) || 'positional' === $params[ $key ]['type'] ) {
					$errors[] = "unknown --{$key} parameter";
				}
			}
			if ( $errors ) {
				WP_CLI::error( "Parameter errors:\n " . implode( "\n ", $errors ) );
			}
			return array( $args, $assoc_args );
		}
	}

	/**
	 * Stand-in of extension-command's `wp plugin activate` (just the path PET meets): activate
	 * each plugin, then count it as a success if activate_plugin() returned no error, logging
	 * whether it is still active, and report the batch.
	 */
	class Pet_WP_CLI_Standin_Plugin_Command {
		/**
		 * Activates one or more plugins.
		 *
		 * ## OPTIONS
		 *
		 * [<plugin>...]
		 * : One or more plugins to activate.
		 *
		 * [--network]
		 * : If set, the plugin will be activated for the entire multisite network.
		 */
		public function activate( $args, $assoc_args ) {
			$network   = ! empty( $assoc_args['network'] );
			$successes = 0;
			$errors    = 0;
			foreach ( $args as $slug ) {
				$file   = $slug . '/' . $slug . '.php';
				$result = activate_plugin( $file, '', $network );
				if ( is_wp_error( $result ) ) {
					WP_CLI::warning( 'Failed to activate plugin. ' . wp_strip_all_tags( $result->get_error_message() ) );
					++$errors;
					continue;
				}
				$active = $network ? is_plugin_active_for_network( $file ) : is_plugin_active( $file );
				if ( $active ) {
					WP_CLI::log( "Plugin '{$slug}' " . ( $network ? 'network activated.' : 'activated.' ) );
				} else {
					WP_CLI::warning( "Could not activate the '{$slug}' plugin." );
				}
				++$successes;
			}
			$verb  = $network ? 'network activated' : 'activated';
			$total = count( $args );
			if ( $errors ) {
				WP_CLI::error( $successes ? "Only {$verb} {$successes} of {$total} plugins." : "No plugins {$verb}." );
			}
			WP_CLI::success( ucfirst( $verb ) . " {$successes} of {$total} plugins." );
		}
	}

	WP_CLI::add_command( 'plugin', 'Pet_WP_CLI_Standin_Plugin_Command' );
}

namespace WP_CLI\Utils {

	function get_flag_value( $assoc_args, $flag, $default = null ) {
		return isset( $assoc_args[ $flag ] ) ? $assoc_args[ $flag ] : $default;
	}

	function format_items( $format, $items, $fields ) {
		$fields = is_string( $fields ) ? explode( ',', $fields ) : $fields;
		$rows   = array();
		foreach ( $items as $item ) {
			$item = (array) $item;
			$row  = array();
			foreach ( $fields as $field ) {
				$row[ $field ] = $item[ $field ] ?? null;
			}
			$rows[] = $row;
		}
		switch ( $format ) {
			case 'json':
				echo json_encode( $rows );
				break;
			case 'csv':
				$out = fopen( 'php://output', 'w' );
				fputcsv( $out, $fields );
				foreach ( $rows as $row ) {
					fputcsv( $out, array_values( $row ) );
				}
				fclose( $out );
				break;
			case 'table':
				if ( \WP_CLI::is_piped() ) {
					\WP_CLI::line( implode( "\t", $fields ) );
					foreach ( $rows as $row ) {
						\WP_CLI::line( implode( "\t", array_map( 'strval', $row ) ) );
					}
					break;
				}
				$widths = array();
				foreach ( $fields as $field ) {
					$widths[ $field ] = strlen( $field );
					foreach ( $rows as $row ) {
						$widths[ $field ] = max( $widths[ $field ], strlen( (string) $row[ $field ] ) );
					}
				}
				$line = '+';
				foreach ( $fields as $field ) {
					$line .= str_repeat( '-', $widths[ $field ] + 2 ) . '+';
				}
				echo $line, "\n|";
				foreach ( $fields as $field ) {
					echo ' ', str_pad( $field, $widths[ $field ] ), ' |';
				}
				echo "\n", $line, "\n";
				foreach ( $rows as $row ) {
					echo '|';
					foreach ( $fields as $field ) {
						echo ' ', str_pad( (string) $row[ $field ], $widths[ $field ] ), ' |';
					}
					echo "\n";
				}
				if ( $rows ) {
					echo $line, "\n";
				}
				break;
			default:
				\WP_CLI::error( 'Invalid format: ' . $format );
		}
	}

	/** The stand-in progress bar (on a terminal): draws each tick on STDOUT. */
	class Standin_Progress_Bar {
		public $message;
		public $total;
		public $ticks    = 0;
		public $finished = false;
		public static $last;

		public function __construct( $message, $total ) {
			$this->message = $message;
			$this->total   = $total;
			self::$last    = $this;
		}

		public function tick( $increment = 1 ) {
			$this->ticks += $increment;
			echo "\r", $this->message, '  ', $this->ticks, '/', $this->total;
		}

		public function finish() {
			$this->finished = true;
			echo "\n";
		}
	}

	/** What WP-CLI returns instead of a bar when STDOUT is not a terminal: does nothing. */
	class Standin_NoOp {
		public static $last;

		public function __construct() {
			self::$last = $this;
		}

		public function __call( $method, $args ) {
		}
	}

	function make_progress_bar( $message, $count ) {
		if ( \WP_CLI::is_piped() ) {
			Standin_Progress_Bar::$last = null;
			return new Standin_NoOp();
		}
		return new Standin_Progress_Bar( $message, $count );
	}
}
