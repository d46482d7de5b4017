"""PET inside a real WordPress: activation, halted activation, upgrade, query count,
multisite, REST gate, WP-CLI (through the named stand-in), uninstall."""

import base64
import json
import os
import re
import time

import harness
from runner import test

BUNDLED = '2026_02_10_0001'
UPGRADE_FIXTURE = '2026_03_01_0001_add_task_notes.json'
UPGRADE = '2026_03_01_0001'
BROKEN_FIXTURE = '2026_03_02_0001_broken_add_labels.json'
BROKEN = '2026_03_02_0001'
OWNER_FIXTURE = '2026_03_03_0001_add_project_owner.json'
OWNER = '2026_03_03_0001'


def state(site, prefix=None):
    """The plugin's autoloaded state mirror, read through WordPress (unserialised)."""
    code = "return get_option( 'pet_migrate_state' );"
    if prefix and prefix != 'wp_':
        blog_id = int(prefix.strip('_').split('_')[-1])
        code = "return get_blog_option( %d, 'pet_migrate_state' );" % blog_id
    return site.php(code)


def app_password(site, login):
    pw = site.php("$u = get_user_by( 'login', %s ); list( $pw ) = WP_Application_Passwords::create_new_application_password("
                  "$u->ID, array( 'name' => 'pet-tests' ) ); return $pw;" % harness.php_str(login))
    return 'Basic ' + base64.b64encode(('%s:%s' % (login, pw)).encode()).decode()


def no_password_anywhere(ctx, site, *texts):
    """Credentials never appear in any message: not in what the tests saw, not in the
    engine's event log, not in the state mirror."""
    password = site.db.password
    for text in texts:
        ctx.absent(text, password, 'the database password appears in output')
    for row in site.events():
        ctx.absent('\t'.join(row), password, 'the database password appears in an event')
    ctx.absent(site.option('pet_migrate_state') or '', password, 'the database password appears in the state')


def clean_debug_log(ctx, site):
    ctx.equal(site.debug_log_lines(), [], 'PHP notices, warnings or errors from the plugin')


# --------------------------------------------------------------------------- configuration


@test(needs_engine=False)
def test_db_host_forms(ctx):
    """DB_HOST is read exactly as wpdb::parse_db_host() reads it, for every form WordPress
    accepts; "localhost" means the socket."""
    site = ctx.site()
    forms = ['localhost', 'localhost:3307', '127.0.0.1', '127.0.0.1:33306', 'db.example.org:3310',
             'localhost:/run/mysqld/mysqld.sock', ':/tmp/mysql.sock', '127.0.0.1:3306:/tmp/x.sock',
             '[::1]', '[::1]:3307', '::1', '[2001:db8::5]:3400', 'fe80::1']
    result = site.php("""
        global $wpdb;
        require_once WP_PLUGIN_DIR . '/pet/pet.php'; // PET is not active on this site: load its classes.
        ini_set( 'mysqli.default_socket', '/run/mysqld/mysqld.sock' );
        $out = array();
        foreach ( json_decode( %s, true ) as $form ) {
            $out[ $form ] = array( 'wpdb' => $wpdb->parse_db_host( $form ), 'pet' => Pet_DB_Config::database( $form ) );
        }
        $out['@config'] = Pet_DB_Config::for_site();
        return $out;
    """ % harness.php_str(json.dumps(forms)), with_extension=False)
    expected = {
        'localhost': ('localhost', None, '/run/mysqld/mysqld.sock'),
        'localhost:3307': ('localhost', 3307, '/run/mysqld/mysqld.sock'),
        '127.0.0.1': ('127.0.0.1', None, None),
        '127.0.0.1:33306': ('127.0.0.1', 33306, None),
        'db.example.org:3310': ('db.example.org', 3310, None),
        'localhost:/run/mysqld/mysqld.sock': ('localhost', None, '/run/mysqld/mysqld.sock'),
        ':/tmp/mysql.sock': ('localhost', None, '/tmp/mysql.sock'),
        '127.0.0.1:3306:/tmp/x.sock': ('127.0.0.1', 3306, '/tmp/x.sock'),
        '[::1]': ('::1', None, None),
        '[::1]:3307': ('::1', 3307, None),
        '::1': ('::1', None, None),
        '[2001:db8::5]:3400': ('2001:db8::5', 3400, None),
        'fe80::1': ('fe80::1', None, None),
    }
    for form in forms:
        wp_host, wp_port, wp_socket, _ = result[form]['wpdb']
        pet = result[form]['pet']
        got = (pet['host'], pet.get('port'), pet.get('socket'))
        ctx.equal(got, expected[form], 'DB_HOST %r' % form)
        # Same split as WordPress (an empty host is mysqli's "localhost").
        ctx.equal((pet['host'] if wp_host else '', pet.get('port')), (wp_host, wp_port), 'DB_HOST %r vs wpdb' % form)
        if wp_socket:
            ctx.equal(pet.get('socket'), wp_socket, 'socket of %r vs wpdb' % form)
    config = result['@config']
    ctx.equal(config['prefix'], 'wp_', 'prefix')
    ctx.equal(config['database']['name'], site.database, 'DB_NAME')
    ctx.equal(config['database']['user'], site.db.user, 'DB_USER')
    ctx.equal(config['database']['password'], site.db.password, 'DB_PASSWORD')
    ctx.equal((config['database']['host'], config['database']['port']), ('127.0.0.1', site.db.port), 'DB_HOST of the site')
    ctx.check(config['migrations_dir'].endswith('/wp-content/plugins/pet/migrations'), 'migrations_dir %s' % config['migrations_dir'])
    ctx.figure('%d DB_HOST forms checked against wpdb::parse_db_host' % len(forms))


@test()
def test_socket_db_host_end_to_end(ctx):
    """DB_HOST 'localhost:/path/to/socket': WordPress and the engine both reach MariaDB over
    the Unix socket, and activation migrates."""
    socket_path = os.environ.get('PET_TEST_MARIADB_SOCKET')
    ctx.require(socket_path and os.path.exists(socket_path), 'the test server socket exists: %s' % socket_path)
    site = ctx.site(db_host='localhost:' + socket_path)
    ctx.equal(site.activate(), None, 'activation')
    ctx.equal([r[0] for r in site.registry()], [BUNDLED], 'migrated over the socket')
    config = site.php('$d = Pet_DB_Config::for_site()["database"]; unset( $d["password"] ); return $d;')
    ctx.equal((config['host'], config.get('port'), config.get('socket')), ('localhost', None, socket_path), 'engine config')


@test()
def test_wrong_credentials_never_shown(ctx):
    """An engine that cannot log in answers PET_CONFIG; neither its report, the state, the
    notice nor the operator screen contain the password it was given."""
    site = ctx.site()
    ctx.require(site.activate() is None, 'activation')
    secret = 'Wr0ng-S3cret-for-the-test'
    out = site.php('''
        add_filter( 'pet_migrate_config', function ( $c ) { $c['database']['password'] = %s; return $c; } );
        $report = Pet_Runner::run_site( 'retry' );
        ob_start(); Pet_Admin_Page::render(); $screen = ob_get_clean();
        return array( 'report' => $report, 'state' => get_option( 'pet_migrate_state' ), 'screen' => $screen );
    ''' % harness.php_str(secret), admin=True, user='admin')
    ctx.equal(out['report']['result'], 5, 'PET_CONFIG')
    ctx.check(out['report']['message'], 'the report says what is wrong: %r' % out['report']['message'])
    ctx.absent(json.dumps(out), secret, 'the password given to the engine appears somewhere')
    ctx.absent(json.dumps(out), site.db.password, "the site's real password appears somewhere")
    ctx.figure('message: %s' % out['report']['message'])


@test(needs_engine=False)
def test_missing_extension_halts_activation(ctx):
    """Without the extension, activation from wp-admin is halted with a clear notice, the
    plugin ends inactive, nothing in the database changed, and a subscriber sees nothing."""
    site = ctx.site()
    before = site.snapshot()
    site.start_server(with_extension=False)
    admin = harness.Client(site).login('admin', harness.ADMIN_PASSWORD)
    plugins = admin.get('/wp-admin/plugins.php')
    link = admin.nonce_link(plugins, r'action=activate&amp;plugin=pet%2Fpet.php')
    ctx.require(link, 'the Activate link of PET is on the Plugins screen')
    page = admin.get(link)
    text = page.text()
    ctx.contains(text, 'PET was not activated', 'halted-activation notice')
    ctx.contains(text, 'extension (pet_migrate) is not loaded', 'the cause is named')
    ctx.contains(text, 'Retry activation', 'the next action is offered')
    ctx.absent(text, 'Plugin activated.', "core's success message")
    ctx.check(not site.is_active(), 'PET ended inactive (active_plugins=%s)' % site.active_plugins())
    diffs = harness.snapshot_diff(before, site.snapshot())
    ctx.equal(diffs, [], 'database as before')
    ctx.equal([t for t in site.tables() if 'pet_' in t], [], 'no PET tables')
    ctx.figure('database as before: ' + harness.snapshot_summary(before))
    again = admin.get('/wp-admin/plugins.php').text()
    ctx.absent(again, 'PET was not activated', 'the notice is shown once, on the request that deactivated')
    subscriber = harness.Client(site).login('subscriber', harness.SUBSCRIBER_PASSWORD)
    ctx.equal(harness.notice_text(subscriber.get('/wp-admin/profile.php')), '', 'subscriber sees no PET notice')
    no_password_anywhere(ctx, site, page.body)
    clean_debug_log(ctx, site)


# --------------------------------------------------------------------------- activation


@test()
def test_activation_applies_bundled_migrations(ctx):
    """Activation from wp-admin applies the bundled migration (tables + registry row); a
    second activation changes nothing."""
    site = ctx.site()
    site.start_server()
    admin = harness.Client(site).login('admin', harness.ADMIN_PASSWORD)
    link = admin.nonce_link(admin.get('/wp-admin/plugins.php'), r'action=activate&amp;plugin=pet%2Fpet.php')
    t0 = time.monotonic()
    page = admin.get(link)
    ctx.figure('activation request incl. migration: %.0f ms' % ((time.monotonic() - t0) * 1000))
    text = page.text()
    ctx.contains(text, 'Plugin activated.', 'core says activated')
    ctx.absent(text, 'PET was not activated', 'no failure notice')
    ctx.check(site.is_active(), 'PET is active')
    tables = site.tables()
    for table in ('wp_pet_projects', 'wp_pet_tasks', 'wp_pet_migrations', 'wp_pet_migration_state', 'wp_pet_migration_events'):
        ctx.contains(tables, table, 'table created')
    ctx.equal(site.columns('wp_pet_tasks'), ['id', 'project_id', 'title', 'done', 'due_on', 'created_at'], 'pet_tasks columns')
    registry = site.registry()
    ctx.equal([(r[0], r[1]) for r in registry], [(BUNDLED, 'create_core_tables')], 'registry')
    ctx.check(registry and len(registry[0][3]) >= 32 and registry[0][2], 'applied_at and checksum recorded: %r' % registry)
    st = state(site)
    ctx.equal((st['schema_version'], st['mode'], st['result']), (BUNDLED, 'ready', 0), 'state mirror')
    ctx.equal(site.db.scalar("SELECT autoload FROM wp_options WHERE option_name='pet_migrate_state'", site.database), 'yes',
              'state option autoloaded')

    # The operator screen shows it.
    screen = admin.get('/wp-admin/tools.php?page=pet-migrations').text()
    ctx.contains(screen, 'PET Migrations', 'operator screen')
    ctx.contains(screen, BUNDLED, 'operator screen lists the applied migration')
    ctx.contains(screen, registry[0][3] if registry else '?', 'operator screen shows the checksum')

    # A second activation changes nothing.
    before = site.snapshot()
    events_before = len(site.events())
    site.deactivate()
    t0 = time.monotonic()
    result = site.activate()
    ctx.figure('second activation (nothing pending): %.0f ms incl. PHP start' % ((time.monotonic() - t0) * 1000))
    ctx.equal(result, None, 'activate_plugin() result')
    ctx.check(site.is_active(), 'PET active again')
    diffs = harness.snapshot_diff(before, site.snapshot())
    ctx.equal(diffs, [], 'second activation changed nothing')
    ctx.equal(site.registry(), registry, 'registry unchanged (same applied_at)')
    ctx.figure('events before/after second activation: %d/%d' % (events_before, len(site.events())))
    no_password_anywhere(ctx, site, page.body, screen)
    clean_debug_log(ctx, site)


def halted_activation_setup(ctx):
    """A site at the bundled migration, PET deactivated, and a broken migration deployed."""
    site = ctx.site()
    ctx.require(site.activate() is None and site.is_active(), 'first activation')
    site.deactivate()
    site.add_migration(BROKEN_FIXTURE)
    return site


def check_failure_notice(ctx, text, what):
    ctx.contains(text, BROKEN + ' broken_add_labels', what + ': failed migration version and name')
    ctx.contains(text, 'Step', what + ': the step')
    ctx.contains(text, 'pet_no_such_table', what + ': the reason names the missing table')


@test()
def test_broken_migration_halts_activation_from_wp_admin(ctx):
    """Clicking Activate with a broken migration: the activation is halted with a notice
    naming migration, step and reason; PET ends inactive; the database is as before."""
    site = halted_activation_setup(ctx)
    before = site.snapshot()
    site.start_server()
    admin = harness.Client(site).login('admin', harness.ADMIN_PASSWORD)
    link = admin.nonce_link(admin.get('/wp-admin/plugins.php'), r'action=activate&amp;plugin=pet%2Fpet.php')
    page = admin.get(link)
    text = page.text()
    ctx.contains(text, 'PET was not activated', 'halted-activation notice')
    ctx.contains(text, 'was undone; your data is as it was before', 'says nothing was left half-done')
    check_failure_notice(ctx, text, 'notice')
    ctx.absent(text, 'Plugin activated.', "core's success message")
    ctx.check(not site.is_active(), 'PET ended inactive')
    ctx.check('wp_pet_labels' not in site.tables(), 'the table the broken migration created was removed again')
    diffs = harness.snapshot_diff(before, site.snapshot())
    ctx.equal(diffs, [], 'database as before (bookkeeping tables record the failure)')
    ctx.figure('database as before: ' + harness.snapshot_summary(before))
    failed = [e for e in site.events() if 'failed' in e]
    ctx.check(failed, 'a "failed" event was recorded')
    no_password_anywhere(ctx, site, page.body)
    clean_debug_log(ctx, site)


@test()
def test_halted_activation_waits_for_an_admin(ctx):
    """activate_plugin() from PHP records the failure and returns; until an administrator
    loads an admin page, PET stays active but gated (REST 503) and a subscriber's requests
    neither show the notice nor deactivate; the administrator's next page deactivates and
    shows the notice. The error_scrape re-run of the hook does not migrate again."""
    site = halted_activation_setup(ctx)
    before = site.snapshot()
    ctx.equal(site.activate(), None, 'activate_plugin() returns no WP_Error (the failure is recorded instead)')
    ctx.check(site.is_active(), 'PET is still marked active until an admin request')
    st = state(site)
    ctx.check(st['activation_failure'], 'failure recorded in the state')
    ctx.equal(st['result'], 3, 'result PET_MAINTENANCE recorded')

    # WordPress's error_scrape iframe runs the activation hook again: no second run.
    events = len(site.events())
    site.php("$_GET['action'] = 'error_scrape'; do_action( 'activate_pet/pet.php', false ); return true;", admin=True, user='admin')
    ctx.equal(len(site.events()), events, 'error_scrape did not run the migration again')

    site.start_server()
    subscriber = harness.Client(site).login('subscriber', harness.SUBSCRIBER_PASSWORD)
    sub_page = subscriber.get('/wp-admin/profile.php')
    ctx.equal(harness.notice_text(sub_page), '', 'subscriber sees no PET notice')
    ctx.contains(sub_page.text(), 'Profile', 'subscriber got the profile page')
    ctx.check(site.is_active(), "a subscriber's request does not deactivate")
    gated = harness.Client(site).get('/wp-json/pet/v1/projects')
    ctx.equal(gated.status, 503, 'gate holds meanwhile: REST projects')
    ctx.equal(harness.Client(site).get('/').status, 200, 'the rest of the site works')

    admin = harness.Client(site).login('admin', harness.ADMIN_PASSWORD)
    page = admin.get('/wp-admin/profile.php')
    text = page.text()
    ctx.contains(text, 'PET was not activated', 'admin sees the notice')
    check_failure_notice(ctx, text, 'notice')
    ctx.check(not site.is_active(), 'the admin request deactivated PET')
    ctx.equal(harness.snapshot_diff(before, site.snapshot()), [], 'database as before')
    no_password_anywhere(ctx, site, page.body)
    clean_debug_log(ctx, site)


@test()
def test_halted_activation_completed_by_a_fix(ctx):
    """A failed activation that an operator fixes before any administrator loads a page
    (the cause removed, then `wp pet migrate resume`) leaves PET active and open."""
    site = halted_activation_setup(ctx)
    ctx.equal(site.activate(), None, 'activate_plugin()')
    ctx.check(state(site)['activation_failure'], 'failure recorded')
    site.remove_migration(BROKEN_FIXTURE)
    out = cli(site, 'pet migrate resume', format='json')
    ctx.equal(out['exit'], 0, 'resume exit code')
    ctx.equal(state(site)['activation_failure'], False, 'the fix completed the activation')
    site.start_server()
    admin = harness.Client(site).login('admin', harness.ADMIN_PASSWORD)
    ctx.equal(harness.notice_text(admin.get('/wp-admin/profile.php')), '', 'no PET notice')
    ctx.check(site.is_active(), 'PET stays active')
    ctx.equal(harness.Client(site).get('/wp-json/pet/v1/projects').status, 401, 'gate open (401: not logged in)')
    clean_debug_log(ctx, site)


# --------------------------------------------------------------------------- upgrade


def served_site_with_baseline(ctx):
    """An activated, served site and the query count of its front page (after a warm-up)."""
    site = ctx.site()
    ctx.require(site.activate() is None, 'activation')
    site.start_server()
    client = harness.Client(site)
    client.get('/', headers={'X-Pet-Query-Log': 'warm'})
    client.get('/', headers={'X-Pet-Query-Log': 'baseline'})
    return site, client, site.query_log('baseline')['count']


@test()
def test_upgrade_applied_on_next_request_once(ctx):
    """A newer migration dropped into the plugin (a git/FTP deploy) is found by the next
    request, which hands it to a background request (it does not run it itself) that applies
    it, once; later requests neither run the engine nor query more than before."""
    site, client, baseline = served_site_with_baseline(ctx)

    site.add_migration(UPGRADE_FIXTURE)
    t0 = time.monotonic()
    resp = client.get('/', headers={'X-Pet-Query-Log': 'upgrade'})
    ctx.figure('request that found the upgrade and handed it off: %.0f ms' % ((time.monotonic() - t0) * 1000))
    ctx.equal(resp.status, 200, 'the request that found it is served')
    ctx.figure('background request applied it %.0f ms after' % (site.wait_for_background() * 1000))
    ctx.equal([r[0] for r in site.registry()], [BUNDLED, UPGRADE], 'registry after the upgrade')
    ctx.contains(site.columns('wp_pet_tasks'), 'notes', 'column added')
    ctx.contains(site.columns('wp_pet_tasks'), 'priority', 'column added')
    ctx.equal(state(site)['schema_version'], UPGRADE, 'state mirror in step')
    registry = site.registry()
    events = site.events()

    counts = []
    for i in range(3):
        client.get('/', headers={'X-Pet-Query-Log': 'after%d' % i})
        counts.append(site.query_log('after%d' % i)['count'])
    client.get('/wp-admin/')  # an anonymous admin request (redirect to login) too
    ctx.equal(site.registry(), registry, 'never applied again')
    ctx.equal(site.events(), events, 'no further engine runs (no new events)')
    ctx.equal(counts, [baseline] * 3, 'queries per front-end request after the upgrade vs before')
    ctx.figure('front-end queries: before upgrade %d, the request that handed it off %d, after %s' % (
        baseline, site.query_log('upgrade')['count'], counts))
    clean_debug_log(ctx, site)


@test()
def test_concurrent_first_requests_after_deploy(ctx):
    """Eight simultaneous requests right after a deploy (four PHP workers): every request is
    served, the migration is applied exactly once (by the background slice they hand it
    to), and the state ends ready."""
    import concurrent.futures
    site = ctx.site()
    ctx.require(site.activate() is None, 'activation')
    site.start_server()
    harness.Client(site).get('/')
    site.add_migration(UPGRADE_FIXTURE)
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(lambda i: harness.Client(site).get('/?r=%d' % i).status, range(8)))
    ctx.equal(statuses, [200] * 8, 'every request served')
    # Visitors hand the deployment off; the background slice applies it.
    ctx.figure('background slice applied it %.0f ms after the rush' % (site.wait_for_background() * 1000))
    ctx.equal([r[0] for r in site.registry()], [BUNDLED, UPGRADE], 'registry')
    started = [e for e in site.events() if UPGRADE in e and 'started' in e]
    ctx.equal(len(started), 1, 'the upgrade ran once ("started" events for it)')
    harness.Client(site).get('/')
    st = state(site)
    ctx.equal((st['mode'], st['schema_version'], st['result']), ('ready', UPGRADE, 0), 'state after the rush')
    ctx.equal(harness.Client(site).get('/wp-json/pet/v1/projects').status, 401, 'gate open (401: not logged in)')
    clean_debug_log(ctx, site)


@test()
def test_upgrade_within_settle_window_and_upgrader_hook(ctx):
    """A deploy seen while its files are still fresh (changed < 2 s ago) is left alone (the
    deployment may still be writing) and applied by the first request after; and WordPress's
    upgrader_process_complete runs pending migrations in the updating request, so the first
    request of the new code has nothing left to do."""
    site = ctx.site()
    ctx.require(site.activate() is None, 'activation')
    events = site.events()
    site.add_migration(UPGRADE_FIXTURE, settle=False)
    st = site.php("return get_option( 'pet_migrate_state' );")  # any request, here from PHP
    ctx.equal(st['schema_version'], BUNDLED, 'a fresh deploy is not applied yet')
    ctx.equal(site.events(), events, 'the engine did not run while the files were fresh')
    ctx.equal(st['mode'], 'ready', 'PET stays open meanwhile')
    harness.settle_after_deploy()
    # The first admin page after the deploy settled (the user known at init, as there).
    st = site.php("return get_option( 'pet_migrate_state' );", admin=True, user='admin', env={'PET_EVAL_USER_AT_INIT': '1'})
    ctx.equal(st['schema_version'], UPGRADE, 'applied by the first admin request after the deploy settled')

    fixture = os.path.join(harness.FIXTURES, 'migrations', OWNER_FIXTURE)
    result = site.php("""
        require_once ABSPATH . 'wp-admin/includes/class-wp-upgrader.php'; // loaded by any real update
        copy( %s, PET_MIGRATIONS_DIR . '/' . %s );
        clearstatcache();
        do_action( 'upgrader_process_complete', new stdClass(), array( 'action' => 'update', 'type' => 'plugin', 'plugins' => array( 'pet/pet.php' ) ) );
        return get_option( 'pet_migrate_state' );
    """ % (harness.php_str(fixture), harness.php_str(OWNER_FIXTURE)), admin=True, user='admin')
    ctx.equal(result['schema_version'], OWNER, 'applied by upgrader_process_complete')
    ctx.equal(result['context'], 'update', 'recorded as an interactive update (not WP-Cron)')
    ctx.equal([r[0] for r in site.registry()], [BUNDLED, UPGRADE, OWNER], 'registry')
    ctx.contains(site.columns('wp_pet_projects'), 'owner_id', 'column added')
    events = site.events()
    time.sleep(2.1)  # let the directory settle, as the next real request would see it
    site.php('return 1;')
    ctx.equal(site.events(), events, 'the next request did not run the engine again')
    clean_debug_log(ctx, site)


@test()
def test_plugin_update_without_new_migrations(ctx):
    """A new plugin version that ships no new migration: no request runs the engine or
    writes anything, and every request stays at the baseline query count."""
    site, client, baseline = served_site_with_baseline(ctx)
    events = site.events()
    main = os.path.join(site.plugin_dir, 'pet.php')
    with open(main) as f:
        code = f.read()
    with open(main, 'w') as f:
        f.write(code.replace("Version:           0.1.0", "Version:           0.1.1")
                    .replace("define( 'PET_VERSION', '0.1.0' );", "define( 'PET_VERSION', '0.1.1' );"))
    site.start_server()  # the deploy reloads PHP (OPcache would otherwise serve the old file for a while)
    client.get('/', headers={'X-Pet-Query-Log': 'first'})
    client.get('/', headers={'X-Pet-Query-Log': 'second'})
    first, second = site.query_log('first'), site.query_log('second')
    ctx.equal(site.events(), events, 'the engine did not run')
    writes = [q for q in first['queries'] if q.lstrip().upper().startswith(('UPDATE', 'INSERT'))]
    ctx.equal(writes, [], 'no write on the first request')
    ctx.equal(first['count'], baseline, 'first request at the baseline')
    ctx.equal(second['count'], baseline, 'second request at the baseline')
    extra = [q.split()[0] + ' ' + q.split()[1] + ' ' + q.split()[2] for q in first['queries'] if q not in second['queries']]
    ctx.figure('queries: baseline %d, first request after the update %d (extra: %s), then %d' % (
        baseline, first['count'], '; '.join(extra), second['count']))
    clean_debug_log(ctx, site)


@test()
def test_front_end_request_issues_no_extra_query(ctx):
    """SAVEQUERIES: an ordinary front-end request with PET active issues exactly the queries
    it issues with PET deactivated."""
    site = ctx.site()
    ctx.require(site.activate() is None, 'activation')
    site.start_server()
    client = harness.Client(site)
    for page in ('/', '/sample-page/', '/hello-world/'):
        client.get(page, headers={'X-Pet-Query-Log': 'warm'})
    active = {}
    for i, page in enumerate(('/', '/sample-page/', '/hello-world/')):
        t0 = time.monotonic()
        client.get(page, headers={'X-Pet-Query-Log': 'active%d' % i})
        active[page] = (site.query_log('active%d' % i), time.monotonic() - t0)
    site.deactivate()
    for page in ('/', '/sample-page/', '/hello-world/'):
        client.get(page, headers={'X-Pet-Query-Log': 'warm'})
    for i, page in enumerate(('/', '/sample-page/', '/hello-world/')):
        t0 = time.monotonic()
        client.get(page, headers={'X-Pet-Query-Log': 'inactive%d' % i})
        inactive = site.query_log('inactive%d' % i)
        ctx.equal(active[page][0]['count'], inactive['count'], 'queries for %s, PET active vs inactive' % page)
        extra = [q for q in active[page][0]['queries'] if q not in inactive['queries']]
        ctx.equal(extra, [], 'queries only issued with PET active on %s' % page)
        ctx.figure('%s: %d queries with PET active, %d inactive; %.0f/%.0f ms' % (
            page, active[page][0]['count'], inactive['count'], active[page][1] * 1000, (time.monotonic() - t0) * 1000))
    # What the per-request upgrade check costs (the engine lists the migrations directory, one
    # stat per file, and the state comes from an autoloaded option), everything a fresh request
    # pays each time: stat cache cleared, this request's listing forgotten.
    site.activate()
    cost = site.php('''
        global $wpdb;
        $queries = $wpdb->num_queries;
        $fresh = class_exists( 'Pet_Upgrade_Policy' ); // 0.1.0 cached its scan in an option instead
        $n = 20000;
        $t = hrtime( true );
        for ( $i = 0; $i < $n; $i++ ) {
            clearstatcache();
            if ( $fresh ) { Pet_Migration_Files::forget(); }
            Pet_Lifecycle::maybe_upgrade();
        }
        return array( 'ns' => ( hrtime( true ) - $t ) / $n, 'queries' => $wpdb->num_queries - $queries );
    ''')
    ctx.equal(cost['queries'], 0, 'queries issued by 20000 upgrade checks')
    ctx.figure('upgrade check on init: %.1f us per request, %d queries in 20000 checks' % (cost['ns'] / 1000, cost['queries']))
    clean_debug_log(ctx, site)


@test()
def test_engine_missing_after_deploy_keeps_site_up(ctx):
    """PET active, then the extension disappears and a new migration is deployed: the site
    keeps working, PET's features are gated, the admin is told why."""
    site = ctx.site()
    ctx.require(site.activate() is None, 'activation')
    site.add_migration(UPGRADE_FIXTURE)
    site.start_server(with_extension=False)
    ctx.equal(harness.Client(site).get('/').status, 200, 'front page without the extension')
    gated = harness.Client(site).get('/wp-json/pet/v1/projects')
    ctx.equal(gated.status, 503, 'PET REST route gated')
    ctx.equal(gated.headers.get('Retry-After'), None, 'no Retry-After: waiting will not bring the extension back')
    admin = harness.Client(site).login('admin', harness.ADMIN_PASSWORD)
    text = admin.get('/wp-admin/').text()
    ctx.contains(text, 'PET is paused', 'admin notice')
    ctx.contains(text, 'extension (pet_migrate) is not loaded', 'names the cause')
    ctx.check(site.is_active(), 'PET stays active (this is not an activation)')
    ctx.equal([r[0] for r in site.registry()], [BUNDLED], 'nothing ran')
    # The extension is back: the next automatic attempt (after the pause) or a Retry applies it.
    site.start_server(with_extension=True)
    page = admin.get('/wp-admin/tools.php?page=pet-migrations')
    action, fields = admin.form_fields(page, 'pet_migrate_retry')
    ctx.require(fields and fields.get('_wpnonce'), 'Retry form with a nonce')
    after = admin.post(action, fields)
    ctx.contains(after.url, 'pet_migrate_result=0', 'Retry result PET_OK')
    ctx.equal([r[0] for r in site.registry()], [BUNDLED, UPGRADE], 'Retry applied the pending migration')
    ctx.equal(harness.Client(site).get('/wp-json/pet/v1/projects').status, 401, 'gate open again (401: not logged in)')
    clean_debug_log(ctx, site)


# --------------------------------------------------------------------------- REST and gate


@test()
def test_rest_status_and_maintenance_gate(ctx):
    """The status route is capability-protected; in maintenance PET's routes answer 503 with
    Retry-After, its admin page and actions are closed, the rest of the site works; Retry
    with the cause still there fails again harmlessly; a fixing deploy reopens the gate."""
    site = ctx.site()
    ctx.require(site.activate() is None, 'activation')
    admin_auth = app_password(site, 'admin')
    sub_auth = app_password(site, 'subscriber')
    site.start_server()
    anon = harness.Client(site)
    ctx.equal(anon.get('/wp-json/pet/v1/migrations/status').status, 401, 'status route, anonymous')
    ctx.equal(anon.get('/wp-json/pet/v1/migrations/status', headers={'Authorization': sub_auth}).status, 403,
              'status route, subscriber')
    ok = anon.get('/wp-json/pet/v1/migrations/status', headers={'Authorization': admin_auth})
    ctx.equal(ok.status, 200, 'status route, administrator')
    report = ok.json() if ok.status == 200 else {}
    ctx.equal((report.get('result'), report.get('mode'), report.get('schema_version'), report.get('available')),
              (0, 'ready', BUNDLED, True), 'status JSON')
    ctx.equal([m['version'] for m in report.get('applied', [])], [BUNDLED], 'status JSON applied')
    ctx.equal(anon.get('/wp-json/pet/v1/projects', headers={'Authorization': sub_auth}).status, 200, 'projects route open')
    # PET's features work while the gate is open: the admin page's form and the REST route.
    admin = harness.Client(site).login('admin', harness.ADMIN_PASSWORD)
    page = admin.get('/wp-admin/admin.php?page=pet')
    action, fields = admin.form_fields(page, 'pet_add_project')
    ctx.require(fields and fields.get('_wpnonce'), 'the add-project form with a nonce')
    fields['title'] = 'Launch'
    ctx.contains(admin.post(action, fields).text(), 'Launch', 'project added through the form')
    created = anon.request('/wp-json/pet/v1/projects', data=json.dumps({'title': 'Via REST'}).encode(),
                           headers={'Authorization': admin_auth, 'Content-Type': 'application/json'}, method='POST')
    ctx.equal(created.status, 201, 'project created through REST')
    listed = anon.get('/wp-json/pet/v1/projects', headers={'Authorization': sub_auth})
    ctx.equal(sorted(p['title'] for p in listed.json()), ['Launch', 'Via REST'], 'projects listed through REST')

    before = site.snapshot()
    site.add_migration(BROKEN_FIXTURE)
    ctx.equal(anon.get('/').status, 200, 'the request that finds the failing upgrade is served')
    site.wait_for_background()
    gated = anon.get('/wp-json/pet/v1/projects', headers={'Authorization': sub_auth})
    ctx.equal(gated.status, 503, 'projects route in maintenance')
    ctx.equal(gated.headers.get('Retry-After'), None, 'no Retry-After: nothing changes until an administrator acts')
    ctx.equal(gated.json().get('code') if gated.status == 503 else None, 'pet_maintenance', 'error code')
    status = anon.get('/wp-json/pet/v1/migrations/status', headers={'Authorization': admin_auth})
    body = status.json() if status.status == 200 else {}
    ctx.equal((status.status, body.get('mode'), body.get('available')), (200, 'maintenance', False),
              'status route stays open in maintenance')
    ctx.equal((body.get('error') or {}).get('version'), BROKEN, 'status names the failed migration')
    ctx.equal(anon.get('/sample-page/').status, 200, 'the rest of the site works')
    ctx.equal(harness.snapshot_diff(before, site.snapshot()), [], 'database as before the failed upgrade')

    admin = harness.Client(site).login('admin', harness.ADMIN_PASSWORD)
    closed = admin.post('/wp-admin/admin-post.php', {'action': 'pet_add_project', 'title': 'Not now'})
    ctx.equal(closed.status, 503, "PET's form action in maintenance")
    projects = admin.get('/wp-admin/admin.php?page=pet')
    ctx.equal(projects.status, 503, "PET's admin page in maintenance")
    ctx.contains(projects.text(), 'PET is unavailable until an administrator', "PET's admin page says why")
    dashboard = admin.get('/wp-admin/profile.php')  # (the Dashboard itself would add an auto-draft post)
    ctx.equal(dashboard.status, 200, 'wp-admin works')
    text = dashboard.text()
    ctx.contains(text, 'PET is paused: a database update failed and was undone.', 'maintenance notice')
    check_failure_notice(ctx, text, 'maintenance notice')
    ctx.contains(text, 'wp pet migrate resume', 'the WP-CLI command is named')
    subscriber = harness.Client(site).login('subscriber', harness.SUBSCRIBER_PASSWORD)
    ctx.equal(harness.notice_text(subscriber.get('/wp-admin/profile.php')), '', 'subscriber sees no notice')

    # Retry while the cause is still there: fails again, changes nothing.
    action, fields = admin.form_fields(dashboard, 'pet_migrate_retry')
    ctx.require(fields and fields.get('_wpnonce'), 'Retry form with nonce')
    bad = dict(fields, _wpnonce='0000000000')
    ctx.check(admin.post(action, bad).status in (403, 200) and 'pet_migrate_result' not in admin.post(action, bad).url,
              'Retry without a valid nonce is refused')
    again = admin.post(action, fields)
    ctx.contains(again.url, 'pet_migrate_result=3', 'Retry result PET_MAINTENANCE')
    ctx.equal(harness.snapshot_diff(before, site.snapshot()), [], 'database as before after the Retry')
    # A deploy that removes the broken migration: the next request heals the site.
    site.remove_migration(BROKEN_FIXTURE)
    anon.get('/')
    site.wait_for_background()
    ctx.equal(anon.get('/wp-json/pet/v1/projects', headers={'Authorization': sub_auth}).status, 200, 'gate open again')
    ctx.equal(state(site)['mode'], 'ready', 'mode ready')
    no_password_anywhere(ctx, site, ok.body, status.body, text)
    clean_debug_log(ctx, site)


# --------------------------------------------------------------------------- multisite


@test()
def test_multisite_three_sites(ctx):
    """Network activation migrates the main site at once and every other site in background
    slices (each with its own prefix); a site created later is migrated when initialised; the
    network admin sees each site's state."""
    site = ctx.site(multisite=True)
    created = site.php("""
        $ids = array();
        foreach ( array( 'site2', 'site3' ) as $slug ) {
            $ids[] = wp_insert_site( array( 'domain' => DOMAIN_CURRENT_SITE, 'path' => '/' . $slug . '/', 'title' => $slug, 'user_id' => 1 ) );
        }
        return $ids;
    """, admin=True, user='admin')
    ctx.equal(created, [2, 3], 'sites 2 and 3 created')
    t0 = time.monotonic()
    ctx.equal(site.activate(network=True), None, 'network activation')
    ctx.figure('network activation of 3 sites: %.0f ms incl. PHP start' % ((time.monotonic() - t0) * 1000))
    ctx.equal([r[0] for r in site.registry('wp_')], [BUNDLED], 'the main site migrated by the activating request')
    ctx.equal(site.registry('wp_2_'), [], 'site 2 waits for the walk')
    # Network admin pages keep the walk moving (a loopback); WP-Cron is off on test sites.
    site.start_server()
    admin = harness.Client(site).login('admin', harness.ADMIN_PASSWORD)
    walked = site.wait_for_network_walk(60, poke=lambda: admin.get('/wp-admin/network/'))
    ctx.figure('walk over the other sites: %.1f s' % walked)
    for prefix in ('wp_', 'wp_2_', 'wp_3_'):
        ctx.contains(site.tables(prefix), prefix + 'pet_projects', 'tables of %s' % prefix)
        ctx.equal([r[0] for r in site.registry(prefix)], [BUNDLED], 'registry of %s' % prefix)
    ctx.equal(site.tables('wp_2_pet_'), sorted(t.replace('wp_3_', 'wp_2_') for t in site.tables('wp_3_pet_')),
              'same PET tables on every site')

    site4 = site.php("return wp_insert_site( array( 'domain' => DOMAIN_CURRENT_SITE, 'path' => '/site4/', 'title' => 'site4', 'user_id' => 1 ) );",
                     admin=True, user='admin')
    ctx.equal(site4, 4, 'site 4 created')
    ctx.equal([r[0] for r in site.registry('wp_4_')], [BUNDLED], 'new site migrated on wp_initialize_site')

    ctx.equal(harness.Client(site).get('/site2/').status, 200, 'site 2 serves')
    ctx.equal(harness.Client(site).get('/site3/wp-json/pet/v1/projects').status, 401, 'site 3 REST (gate open, auth needed)')
    network = admin.get('/wp-admin/network/settings.php?page=pet-migrations')
    ctx.equal(network.status, 200, 'network screen')
    text = network.text()
    for path in ('/site2/', '/site3/', '/site4/'):
        ctx.contains(text, site.url + path, 'network screen lists %s' % path)
    rows = re.findall(r'(?s)<tr>(.*?)</tr>', network.body.split('pet-sites', 1)[-1].split('<tbody>', 1)[-1].split('</table>', 1)[0])
    ctx.equal(len(rows), 4, 'network screen has a row per site')
    ctx.equal(sum(1 for row in rows if '<td>%s</td>' % BUNDLED in row), 4, 'each row shows the schema version')

    # A broken migration deployed (git, no WordPress updater) and found by a visitor of site 3:
    # the network is walked, so every site gets it (and fails it, undone), not only site 3; the
    # network admin sees which sites are in maintenance.
    site.add_migration(BROKEN_FIXTURE)
    harness.Client(site).get('/site3/')
    site.wait_for_background(prefix='wp_3_')
    site.wait_for_network_walk(60, poke=lambda: admin.get('/wp-admin/network/'))
    notice = harness.notice_text(admin.get('/wp-admin/network/'))
    ctx.contains(notice, 'PET is paused on some sites', 'network notice')
    for path in ('/', '/site2/', '/site3/', '/site4/'):
        ctx.contains(notice, site.url + path + ' ', 'network notice names %s' % path)
    # The fixing deployment, found by a visitor of site 2, heals every site.
    site.remove_migration(BROKEN_FIXTURE)
    harness.Client(site).get('/site2/')
    site.wait_for_network_walk(60, poke=lambda: admin.get('/wp-admin/network/'))
    ctx.absent(harness.notice_text(admin.get('/wp-admin/network/')), 'PET is paused', 'no site paused after the fix')
    for prefix in ('wp_', 'wp_2_', 'wp_3_', 'wp_4_'):
        ctx.equal(state(site, prefix)['mode'], 'ready', 'ready again: %s' % prefix)
    clean_debug_log(ctx, site)


@test()
def test_multisite_network_activation_failure(ctx):
    """A broken migration during network activation: every site's schema is as before, PET is
    network-deactivated on the network admin's next page, which names the failure."""
    site = ctx.site(multisite=True)
    site.php("return wp_insert_site( array( 'domain' => DOMAIN_CURRENT_SITE, 'path' => '/site2/', 'title' => 'site2', 'user_id' => 1 ) );",
             admin=True, user='admin')
    ctx.require(site.activate(network=True) is None, 'first network activation')
    site.deactivate(network=True)
    site.add_migration(BROKEN_FIXTURE)
    before = site.snapshot()
    site.activate(network=True)
    ctx.contains(site.db.scalar("SELECT meta_value FROM wp_sitemeta WHERE meta_key='active_sitewide_plugins'", site.database),
                 'pet/pet.php', 'still network-active until the network admin looks')
    site.start_server()
    admin = harness.Client(site).login('admin', harness.ADMIN_PASSWORD)
    text = admin.get('/wp-admin/network/plugins.php').text()
    ctx.contains(text, 'PET was not activated', 'network admin notice')
    check_failure_notice(ctx, text, 'network notice')
    ctx.absent(site.db.scalar("SELECT meta_value FROM wp_sitemeta WHERE meta_key='active_sitewide_plugins'", site.database),
               'pet/pet.php', 'network-deactivated')
    ctx.equal(harness.snapshot_diff(before, site.snapshot()), [], 'every site as before')
    clean_debug_log(ctx, site)


# --------------------------------------------------------------------------- WP-CLI


def cli(site, command, **assoc):
    code = "return WP_CLI::run( %s, json_decode( %s, true ) );" % (harness.php_str(command), harness.php_str(json.dumps(assoc or {})))
    return site.php(code, cli_standin=True)


@test()
def test_wp_cli_command_through_standin(ctx):
    """`wp pet migrate status|run|resume|events` with --format=table|json|csv and exit codes
    equal to the result codes, driven through the WP-CLI stand-in."""
    import csv
    import io
    site = ctx.site()
    ctx.require(site.activate() is None, 'activation')

    out = cli(site, 'pet migrate status', format='json')
    ctx.equal(out['exit'], 0, 'status exit code')
    rows = json.loads(out['stdout'])
    ctx.equal([(r['version'], r['name'], r['status']) for r in rows], [(BUNDLED, 'create_core_tables', 'applied')], 'status rows')
    out = cli(site, 'pet migrate status', format='csv')
    parsed = list(csv.reader(io.StringIO(out['stdout'])))
    ctx.equal(parsed[0], ['version', 'name', 'status', 'applied_at', 'checksum'], 'csv header')
    ctx.equal(parsed[1][:3], [BUNDLED, 'create_core_tables', 'applied'], 'csv row')
    out = cli(site, 'pet migrate status')
    ctx.contains(out['stdout'], 'Mode: ready', 'table output: summary')
    ctx.contains(out['stdout'], 'version\tname\tstatus', 'table output piped: tab-separated header')

    site.add_migration(UPGRADE_FIXTURE)
    out = cli(site, 'pet migrate status', format='json')
    ctx.equal([r['status'] for r in json.loads(out['stdout'])], ['applied', 'pending'], 'status shows the pending migration')
    ctx.equal([r[0] for r in site.registry()], [BUNDLED], 'loading WordPress under WP-CLI did not migrate')
    out = cli(site, 'pet migrate run', format='json')
    ctx.equal(out['exit'], 0, 'run exit code')
    ctx.equal(json.loads(out['stdout'])[0]['newly_applied'], UPGRADE, 'run reports what it applied')
    ctx.equal([r[0] for r in site.registry()], [BUNDLED, UPGRADE], 'run applied it')

    site.add_migration(BROKEN_FIXTURE)
    out = cli(site, 'pet migrate run')
    ctx.equal(out['exit'], 3, 'run exit code with a failing migration (PET_MAINTENANCE)')
    ctx.contains(out['stderr'], BROKEN, 'error names the migration')
    out = cli(site, 'pet migrate status', format='json')
    ctx.equal(out['exit'], 3, 'status exit code in maintenance')
    site.remove_migration(BROKEN_FIXTURE)
    out = cli(site, 'pet migrate resume', format='json')
    ctx.equal(out['exit'], 0, 'resume after the cause is fixed')
    ctx.equal(state(site)['mode'], 'ready', 'ready again')

    out = cli(site, 'pet migrate events', format='json', limit='5')
    events = json.loads(out['stdout']) if out['exit'] == 0 else []
    ctx.equal(out['exit'], 0, 'events exit code')
    ctx.equal(len(events), 5, 'events --limit=5')
    ctx.check(all(set(e) == {'id', 'at', 'event', 'version', 'message'} for e in events), 'event fields')
    ctx.contains([e['event'] for e in json.loads(cli(site, 'pet migrate events', format='json', limit='100')['stdout'])],
                 'failed', 'the failure is in the audit log')
    out = cli(site, 'pet migrate events', format='csv', limit='3')
    ctx.equal(len(list(csv.reader(io.StringIO(out['stdout'])))), 4, 'events csv: header + 3 rows')

    ctx.equal(cli(site, 'pet migrate status', format='xml')['exit'], 1, 'unknown format: refused by WP-CLI itself')
    ctx.equal(cli(site, 'pet migrate run', network='1')['exit'], 5, '--network on a single site')

    # `wp plugin activate` with a broken migration: deactivated at once, with the reason.
    site.deactivate()
    site.add_migration(BROKEN_FIXTURE)
    halted = cli(site, 'plugin activate pet')
    ctx.equal(halted['exit'], 3, 'WP-CLI activation halted with the result code')
    ctx.check(not site.is_active(), 'PET inactive')
    ctx.contains(halted['stderr'], 'PET was not activated', 'WP-CLI error')
    no_password_anywhere(ctx, site, json.dumps(out), halted['stderr'])
    clean_debug_log(ctx, site)


@test()
def test_wp_cli_network_progress(ctx):
    """`wp pet migrate run --network` drives a progress bar over every site."""
    site = ctx.site(multisite=True)
    site.php("return wp_insert_site( array( 'domain' => DOMAIN_CURRENT_SITE, 'path' => '/site2/', 'title' => 'site2', 'user_id' => 1 ) );",
             admin=True, user='admin')
    ctx.require(site.activate(network=True) is None, 'network activation')
    site.add_migration(UPGRADE_FIXTURE)
    out = site.php("""
        $r = WP_CLI::run( 'pet migrate run', array( 'network' => true, 'format' => 'json' ) ); // on a terminal (SHELL_PIPE=0)
        $bar = WP_CLI\\Utils\\Standin_Progress_Bar::$last;
        $r['ticks'] = $bar ? $bar->ticks : null; $r['total'] = $bar ? $bar->total : null; $r['finished'] = $bar ? $bar->finished : null;
        return $r;
    """, cli_standin=True, env={'SHELL_PIPE': '0'})
    ctx.equal(out['exit'], 0, 'exit code')
    ctx.equal((out['ticks'], out['total'], out['finished']), (2, 2, True), 'progress bar')
    rows = json.loads(out['stdout'].strip().split('\n')[-1])
    # Network activation migrated the main site; site 2 waited for the background walk (WP-Cron
    # is off and no network admin page was loaded), so `run --network` applies both there.
    ctx.equal([(r['site'], r['newly_applied']) for r in rows], [(1, UPGRADE), (2, BUNDLED + ' ' + UPGRADE)], 'rows per site')
    for prefix in ('wp_', 'wp_2_'):
        ctx.equal([r[0] for r in site.registry(prefix)], [BUNDLED, UPGRADE], 'registry of %s' % prefix)
    clean_debug_log(ctx, site)


# --------------------------------------------------------------------------- uninstall


@test()
def test_uninstall_keeps_data(ctx):
    """Deleting the plugin removes its files and nothing else (PET has no uninstall routine)."""
    site = ctx.site()
    ctx.require(site.activate() is None, 'activation')
    site.db.run("INSERT INTO wp_pet_projects (title, status, created_at) VALUES ('Keep me', 'active', NOW())", site.database)
    site.deactivate()
    before = site.snapshot()
    result = site.php("return delete_plugins( array( 'pet/pet.php' ) );", admin=True, user='admin')
    ctx.equal(result, True, 'delete_plugins()')
    ctx.check(not os.path.exists(site.plugin_dir), 'plugin files deleted')
    after = site.snapshot()
    ctx.equal(after['tables'], before['tables'], 'every table kept')
    ctx.equal(after['registry'], before['registry'], 'registry kept')
    ctx.equal(site.db.scalar("SELECT title FROM wp_pet_projects", site.database), 'Keep me', 'data kept')
    ctx.check(site.option('pet_migrate_state'), 'state kept')


# --------------------------------------------------------------------------- translations


@test(needs_engine=False)
def test_strings_translatable_with_text_domain_pet(ctx):
    """Every translatable string uses the text domain 'pet' with a literal text, the shipped
    template php/languages/pet.pot has them all, and a translation placed in the plugin's
    languages/ folder is used (load_plugin_textdomain)."""
    import subprocess
    out = subprocess.run(harness.php_args(False) + [os.path.join(harness.PHP_HELPERS, 'i18n-check.php'), harness.PLUGIN_SOURCE],
                         capture_output=True, text=True, check=True)
    found = json.loads(out.stdout)
    ctx.equal(found['problems'], [], 'gettext calls')
    with open(os.path.join(harness.PLUGIN_SOURCE, 'languages', 'pet.pot')) as f:
        pot = f.read()
    missing = [m for m in found['msgids'] if 'msgid "%s"' % m.replace('\\', '\\\\').replace('"', '\\"') not in pot]
    ctx.equal(missing, [], 'strings missing from php/languages/pet.pot (run scripts/wordpress-pot.sh)')
    ctx.figure('%d gettext calls, %d distinct strings' % (found['calls'], len(found['msgids'])))

    site = ctx.site()
    po = os.path.join(site.plugin_dir, 'languages', 'pet-de_DE.po')
    with open(po, 'w') as f:
        f.write('msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\n'
                'msgid "PET Migrations"\nmsgstr "PET-Migrationen"\n')
    subprocess.run(['msgfmt', '-o', po[:-3] + '.mo', po], check=True)
    translated = site.php("""
        require_once WP_PLUGIN_DIR . '/pet/pet.php';
        add_filter( 'plugin_locale', function () { return 'de_DE'; } );
        unload_textdomain( 'pet' );
        Pet_Lifecycle::load_textdomain();
        return __( 'PET Migrations', 'pet' );
    """, with_extension=False)
    ctx.equal(translated, 'PET-Migrationen', 'translation loaded from the plugin')
