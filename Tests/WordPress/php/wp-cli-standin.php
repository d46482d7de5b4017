<?php
/**
 * WP-CLI STAND-IN (test double). WP-CLI itself cannot be installed on these machines, so the
 * tests drive PET's command class through this small stand-in of exactly the WP_CLI functions
 * the class calls: WP_CLI::add_command, log, success, warning, error, halt and
 * WP_CLI\Utils\format_items, make_progress_bar, get_flag_value. It mimics WP-CLI's documented
 * behaviour (error() exits with the given code, success/log print to STDOUT, warning/error to
 * STDERR) but ends a command by throwing Pet_WP_CLI_Standin_Exit instead of exit(), so one
 * process can run several commands and see their exit codes.
 *
 * Nothing of this file ships in the plugin.
 */

namespace {

	define( 'WP_CLI', true );

	/** Thrown instead of exit() by the stand-in. */
	class Pet_WP_CLI_Standin_Exit extends \Exception {
	}

	/** The stand-in of the WP_CLI class (only what PET's command calls). */
	class WP_CLI {
		/** @var array<string,string|object> Registered commands. */
		public static $commands = array();
		/** @var string Captured STDERR. */
		public static $stderr = '';

		public static function add_command( $name, $callable ) {
			self::$commands[ $name ] = $callable;
			return true;
		}

		public static function log( $message ) {
			echo $message, "\n";
		}

		public static function line( $message = '' ) {
			echo $message, "\n";
		}

		public static function success( $message ) {
			echo 'Success: ', $message, "\n";
		}

		public static function warning( $message ) {
			self::$stderr .= 'Warning: ' . $message . "\n";
		}

		public static function error( $message, $exit = true ) {
			self::$stderr .= 'Error: ' . $message . "\n";
			$code = ( true === $exit ) ? 1 : ( is_int( $exit ) ? $exit : 0 );
			if ( $code > 0 ) {
				throw new Pet_WP_CLI_Standin_Exit( 'exit', $code );
			}
		}

		public static function halt( $return_code ) {
			throw new Pet_WP_CLI_Standin_Exit( 'halt', (int) $return_code );
		}

		/**
		 * Runs "<command> <subcommand>" like `wp` would and returns what a shell would see.
		 *
		 * @param string $command    e.g. "pet migrate status".
		 * @param array  $assoc_args e.g. array( 'format' => 'json' ).
		 * @return array{exit:int,stdout:string,stderr:string}
		 */
		public static function run( $command, array $assoc_args = array(), array $args = array() ) {
			$words      = explode( ' ', $command );
			$subcommand = array_pop( $words );
			$name       = implode( ' ', $words );
			if ( ! isset( self::$commands[ $name ] ) ) {
				return array( 'exit' => 1, 'stdout' => '', 'stderr' => "Error: '$name' is not a registered wp command.\n" );
			}
			$class        = self::$commands[ $name ];
			$instance     = is_object( $class ) ? $class : new $class();
			self::$stderr = '';
			$exit         = 0;
			ob_start();
			try {
				$instance->$subcommand( $args, $assoc_args );
			} catch ( Pet_WP_CLI_Standin_Exit $e ) {
				$exit = $e->getCode();
			}
			$stdout = ob_get_clean();
			return array( 'exit' => $exit, 'stdout' => $stdout, 'stderr' => self::$stderr );
		}
	}
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
				echo json_encode( $rows ), "\n";
				break;
			case 'csv':
				$out = fopen( 'php://output', 'w' );
				fputcsv( $out, $fields );
				foreach ( $rows as $row ) {
					fputcsv( $out, array_values( $row ) );
				}
				fclose( $out );
				break;
			default: // table
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
				echo $line, "\n";
		}
	}

	/** The stand-in progress bar: counts ticks so tests can see it was driven. */
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
		}

		public function finish() {
			$this->finished = true;
		}
	}

	function make_progress_bar( $message, $count ) {
		return new Standin_Progress_Bar( $message, $count );
	}
}
