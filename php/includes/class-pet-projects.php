<?php
/**
 * PET's own features: projects (an admin page, a form action and REST routes). These are
 * what the maintenance gate shuts while the schema is not safe to use.
 *
 * @package PET
 */

defined( 'ABSPATH' ) || exit;

/**
 * Projects, stored in {prefix}pet_projects (created by 2026_02_10_0001_create_core_tables).
 */
class Pet_Projects {

	/** The migration that created the tables used here. */
	const REQUIRES = '2026_02_10_0001';

	/** Admin page slug. */
	const SLUG = 'pet';

	/**
	 * Hooks.
	 */
	public static function register() {
		add_action( 'admin_menu', array( __CLASS__, 'add_menu' ) );
		add_action( 'admin_post_pet_add_project', array( __CLASS__, 'handle_add' ) );
		add_action( 'rest_api_init', array( __CLASS__, 'register_routes' ) );
	}

	/**
	 * The PET menu.
	 */
	public static function add_menu() {
		$hook = add_menu_page( __( 'PET Projects', 'pet' ), __( 'PET', 'pet' ), 'edit_posts', self::SLUG, array( __CLASS__, 'render' ), 'dashicons-clipboard', 30 );
		add_action( 'load-' . $hook, array( 'Pet_Gate', 'on_load_admin_page' ) );
	}

	/**
	 * The projects page.
	 */
	public static function render() {
		if ( ! Pet_Gate::is_open() || ! pet_schema_at_least( self::REQUIRES ) ) {
			Pet_Gate::render_closed();
			return;
		}
		echo '<div class="wrap pet-projects"><h1>' . esc_html__( 'PET Projects', 'pet' ) . '</h1>';
		Pet_Status_View::render_table(
			array(
				'id'         => __( 'ID', 'pet' ),
				'title'      => __( 'Title', 'pet' ),
				'status'     => __( 'Status', 'pet' ),
				'created_at' => __( 'Created', 'pet' ),
			),
			self::all(),
			__( 'No projects yet.', 'pet' ),
			'pet-project-list'
		);
		if ( ! Pet_Gate::is_open( true ) ) {
			// The running migration gates writes: PET shows its data but does not change it.
			echo '<div class="notice notice-info inline pet-writes-paused"><p>' . esc_html( Pet_Messages::visitor( Pet_Gate::reason( true ) ) ) . '</p></div></div>';
			return;
		}
		printf( '<h2>%s</h2><form method="post" action="%s">', esc_html__( 'Add a project', 'pet' ), esc_url( admin_url( 'admin-post.php' ) ) );
		echo '<input type="hidden" name="action" value="pet_add_project" />';
		wp_nonce_field( 'pet_add_project' );
		printf( '<p><label for="pet-project-title">%s</label> <input type="text" id="pet-project-title" name="title" class="regular-text" required /></p>', esc_html__( 'Title', 'pet' ) );
		submit_button( __( 'Add project', 'pet' ) );
		echo '</form></div>';
	}

	/**
	 * admin-post: add a project.
	 */
	public static function handle_add() {
		Pet_Gate::guard_action();
		if ( ! current_user_can( 'edit_posts' ) ) {
			wp_die( esc_html__( 'Sorry, you are not allowed to add projects.', 'pet' ), 403 );
		}
		check_admin_referer( 'pet_add_project' );
		$title = isset( $_POST['title'] ) ? sanitize_text_field( wp_unslash( $_POST['title'] ) ) : '';
		if ( '' !== $title ) {
			self::insert( $title );
		}
		wp_safe_redirect( admin_url( 'admin.php?page=' . self::SLUG ) );
		exit;
	}

	/**
	 * REST routes.
	 */
	public static function register_routes() {
		register_rest_route(
			Pet_Gate::REST_NAMESPACE,
			'/projects',
			array(
				array(
					'methods'             => WP_REST_Server::READABLE,
					'callback'            => array( __CLASS__, 'rest_list' ),
					'permission_callback' => function () {
						return current_user_can( 'read' );
					},
				),
				array(
					'methods'             => WP_REST_Server::CREATABLE,
					'callback'            => array( __CLASS__, 'rest_create' ),
					'permission_callback' => function () {
						return current_user_can( 'edit_posts' );
					},
					'args'                => array(
						'title' => array(
							'type'              => 'string',
							'required'          => true,
							'sanitize_callback' => 'sanitize_text_field',
						),
					),
				),
			)
		);
	}

	/**
	 * GET /pet/v1/projects.
	 *
	 * @return WP_REST_Response
	 */
	public static function rest_list() {
		return new WP_REST_Response( self::all(), 200 );
	}

	/**
	 * POST /pet/v1/projects.
	 *
	 * @param WP_REST_Request $request Request.
	 * @return WP_REST_Response|WP_Error
	 */
	public static function rest_create( $request ) {
		$id = self::insert( $request['title'] );
		if ( ! $id ) {
			return new WP_Error( 'pet_project_not_saved', __( 'The project could not be saved.', 'pet' ), array( 'status' => 500 ) );
		}
		return new WP_REST_Response( array( 'id' => $id ), 201 );
	}

	/**
	 * All projects, newest first.
	 *
	 * @return array[]
	 */
	private static function all() {
		global $wpdb;
		$table = $wpdb->prefix . 'pet_projects';
		return (array) $wpdb->get_results( "SELECT id, title, status, created_at FROM `{$table}` ORDER BY id DESC LIMIT 200", ARRAY_A ); // phpcs:ignore WordPress.DB -- table name from the prefix only.
	}

	/**
	 * Inserts a project.
	 *
	 * @param string $title Title.
	 * @return int New ID, or 0.
	 */
	private static function insert( $title ) {
		global $wpdb;
		$ok = $wpdb->insert(
			$wpdb->prefix . 'pet_projects',
			array(
				'title'      => $title,
				'status'     => 'active',
				'created_at' => current_time( 'mysql', true ),
			),
			array( '%s', '%s', '%s' )
		);
		return $ok ? (int) $wpdb->insert_id : 0;
	}
}
