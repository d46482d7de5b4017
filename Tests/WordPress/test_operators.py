"""WordPress and WP-CLI as operators meet them (issue 11): each numbered item of the issue is
reproduced here against real WordPress, the real extension and MariaDB. WP-CLI is the named
stand-in (php/wp-cli-standin.php), which behaves like WP-CLI 2.12 where PET depends on it."""

import json
import os
import subprocess
import time

import harness
from runner import test
from test_plugin import (BROKEN, BROKEN_FIXTURE, BUNDLED, OWNER, OWNER_FIXTURE, UPGRADE, UPGRADE_FIXTURE,
                         app_password, clean_debug_log, state)

INVALID_FIXTURE = '2026_03_04_0001_drop_tasks.json'


def cli(site, command, uri='/', env=None, args=None, **assoc):
    """Runs `wp COMMAND --KEY=VALUE…` through the stand-in inside the site; returns exit, stdout, stderr."""
    code = "return WP_CLI::run( %s, json_decode( %s, true ), json_decode( %s, true ) );" % (
        harness.php_str(command), harness.php_str(json.dumps(assoc or {})), harness.php_str(json.dumps(args or [])))
    return site.php(code, cli_standin=True, uri=uri, env=env)


def poll(url_get, seconds, interval=0.2):
    """Calls url_get() every interval for seconds; returns [(elapsed, status, body)]."""
    seen = []
    t0 = time.monotonic()
    while time.monotonic() - t0 < seconds:
        resp = url_get()
        seen.append((round(time.monotonic() - t0, 1), resp.status, resp.body[:300]))
        time.sleep(interval)
    return seen


def multisite_with_sites(ctx, count):
    site = ctx.site(multisite=True)
    for n in range(2, count + 1):
        site.php("return wp_insert_site( array( 'domain' => DOMAIN_CURRENT_SITE, 'path' => '/site%d/', 'title' => 'site%d', 'user_id' => 1 ) );" % (n, n),
                 admin=True, user='admin')
    return site


# --------------------------------------------------------------------------- item 1


@test()
def test_item1_wp_cli_failed_activation_exits_with_result_code(ctx):
    """`wp plugin activate pet` with a broken migration: PET deactivates itself and the command
    ends with an error whose exit code is the result code (3), also under --quiet; the advice
    fits an inactive PET (activate again, not `wp pet migrate resume`). Network activation too."""
    site = ctx.site()
    ctx.require(site.activate() is None, 'first activation')
    site.deactivate()
    site.add_migration(BROKEN_FIXTURE)
    out = cli(site, 'plugin activate pet')
    ctx.equal(out['exit'], 3, 'exit code of a failed activation (PET_MAINTENANCE)')
    ctx.absent(out['stdout'], 'Success', 'no success line')
    ctx.contains(out['stderr'], 'Error: PET was not activated', 'the error says PET was not activated')
    ctx.contains(out['stderr'], BROKEN, 'the error names the migration')
    ctx.contains(out['stderr'], 'wp plugin activate pet', 'advice: activate again once fixed')
    ctx.absent(out['stderr'], 'wp pet migrate resume', 'no advice to run a command that does not exist while PET is inactive')
    ctx.check(not site.is_active(), 'PET is inactive')
    quiet = cli(site, 'plugin activate pet', quiet=True)
    ctx.equal((quiet['exit'], quiet['stdout']), (3, ''), '--quiet: same exit code, nothing on STDOUT')
    ctx.contains(quiet['stderr'], 'Error: PET was not activated', '--quiet still prints the error')
    ctx.absent(quiet['stderr'], 'Warning', '--quiet prints no warning')
    site.remove_migration(BROKEN_FIXTURE)
    ok = cli(site, 'plugin activate pet')
    ctx.equal(ok['exit'], 0, 'activation once the cause is gone')
    ctx.contains(ok['stdout'], 'Success: Activated 1 of 1 plugins.', 'WP-CLI reports success')
    ctx.check(site.is_active(), 'PET active')
    clean_debug_log(ctx, site)


@test()
def test_item1_wp_cli_failed_network_activation(ctx):
    """`wp plugin activate pet --network` with a broken migration exits with the result code and
    leaves PET network-inactive, every site as before."""
    site = multisite_with_sites(ctx, 2)
    ctx.require(site.activate(network=True) is None, 'first network activation')
    site.deactivate(network=True)
    site.add_migration(BROKEN_FIXTURE)
    before = site.snapshot()
    out = cli(site, 'plugin activate pet', network=True)
    ctx.equal(out['exit'], 3, 'exit code of a failed network activation')
    ctx.contains(out['stderr'], 'wp plugin activate pet --network', 'network advice')
    ctx.contains(out['stderr'], 'Site 1', 'names the sites')
    ctx.absent(site.db.scalar("SELECT meta_value FROM wp_sitemeta WHERE meta_key='active_sitewide_plugins'", site.database) or '',
               'pet/pet.php', 'PET network-inactive')
    ctx.equal(harness.snapshot_diff(before, site.snapshot()), [], 'every site as before')
    clean_debug_log(ctx, site)


# --------------------------------------------------------------------------- item 2


@test()
def test_item2_network_run_only_where_pet_is_active(ctx):
    """PET active on site 2 only: `wp pet migrate run --network` migrates site 2 and no other."""
    site = multisite_with_sites(ctx, 3)
    site.php("switch_to_blog( 2 ); $r = activate_plugin( 'pet/pet.php' ); restore_current_blog(); return $r;", admin=True, user='admin')
    ctx.equal([r[0] for r in site.registry('wp_2_')], [BUNDLED], 'site 2 migrated on activation')
    site.add_migration(UPGRADE_FIXTURE)
    out = cli(site, 'pet migrate run', uri='/site2/', network=True, format='json')
    ctx.equal(out['exit'], 0, 'exit code')
    rows = json.loads(out['stdout']) if out['exit'] == 0 else []
    ctx.equal([(r['site'], r['newly_applied']) for r in rows], [(2, UPGRADE)], 'one row, for site 2')
    ctx.equal([t for t in site.tables('wp_pet') if t.startswith('wp_pet')], [], 'no PET tables on site 1')
    ctx.equal(site.tables('wp_3_pet'), [], 'no PET tables on site 3')
    ctx.equal([r[0] for r in site.registry('wp_2_')], [BUNDLED, UPGRADE], 'site 2 upgraded')
    status = cli(site, 'pet migrate status', uri='/site2/', network=True, format='json')
    ctx.equal([r['site'] for r in json.loads(status['stdout'])] if status['exit'] == 0 else status, [2], 'status --network: site 2 only')
    clean_debug_log(ctx, site)


# --------------------------------------------------------------------------- item 3


@test()
def test_item3_help_renders(ctx):
    """What `wp help` shows: each subcommand's summary is its whole first docblock line (one
    sentence), and the description's paragraphs are single lines (WP-CLI wraps them itself)."""
    site = ctx.site()
    ctx.require(site.activate() is None, 'activation')
    helps = site.php("""
        $out = array();
        foreach ( array( 'pet migrate', 'pet migrate status', 'pet migrate run', 'pet migrate resume', 'pet migrate events' ) as $c ) {
            $out[ $c ] = WP_CLI::help( $c );
        }
        return $out;
    """, cli_standin=True)
    for command, help_ in helps.items():
        ctx.check(help_['shortdesc'].endswith('.'), '%s: summary is a whole sentence: %r' % (command, help_['shortdesc']))
        body = help_['longdesc'].split('## ')[0]
        for paragraph in [p for p in body.split('\n\n') if p.strip()]:
            ctx.check('\n' not in paragraph.strip(), '%s: a paragraph breaks mid-line: %r' % (command, paragraph[:120]))
    ctx.equal(helps['pet migrate resume']['shortdesc'], 'Runs pending migrations and the background data work until it is done.', 'resume summary')
    ctx.contains(helps['pet migrate']['longdesc'], '0 PET_OK', 'exit codes documented')
    ctx.contains(helps['pet migrate']['longdesc'], 'WP-CLI itself also exits with 1', "next to WP-CLI's own exit 1")


# --------------------------------------------------------------------------- item 4


@test()
def test_item4_wp_cli_validates_and_formats_like_wp_cli(ctx):
    """Through the stand-in, as WP-CLI 2.12 does: synopsis validation (unknown option, extra
    argument, bad --format: exit 1), tab-separated tables when piped, --quiet, progress bars
    only on a terminal."""
    site = ctx.site()
    ctx.require(site.activate() is None, 'activation')
    out = cli(site, 'pet migrate status', format='xml')
    ctx.equal(out['exit'], 1, 'bad --format: WP-CLI refuses it (exit 1)')
    ctx.contains(out['stderr'], "Error: Parameter errors:\n Invalid value specified for 'format' (Output format.)", 'its message')
    out = cli(site, 'pet migrate status', colour='blue')
    ctx.equal(out['exit'], 1, 'unknown option: exit 1')
    ctx.contains(out['stderr'], 'unknown --colour parameter', 'its message')
    out = cli(site, 'pet migrate run', args=['now'])
    ctx.equal(out['exit'], 1, 'extra argument: exit 1')
    ctx.contains(out['stderr'], 'Error: Too many positional arguments: now', 'its message')
    ctx.equal([r[0] for r in site.registry()], [BUNDLED], 'nothing ran for a refused command line')

    piped = cli(site, 'pet migrate status')
    ctx.equal(piped['exit'], 0, 'status exit code')
    ctx.contains(piped['stdout'], 'version\tname\tstatus\tapplied_at\tchecksum\n', 'piped: tab-separated header')
    ctx.contains(piped['stdout'], BUNDLED + '\tcreate_core_tables\tapplied\t', 'piped: tab-separated row')
    ctx.absent(piped['stdout'], '+-', 'piped: no borders')
    terminal = cli(site, 'pet migrate status', env={'SHELL_PIPE': '0'})
    ctx.contains(terminal['stdout'], '| version', 'terminal: ASCII table')
    quiet = cli(site, 'pet migrate status', quiet=True)
    ctx.absent(quiet['stdout'], 'Success', '--quiet: no success line')
    ctx.absent(quiet['stdout'], 'Mode:', '--quiet: no log line')
    ctx.contains(quiet['stdout'], 'version\tname', '--quiet: the data is still printed')

    site.add_migration(BROKEN_FIXTURE)
    failed = cli(site, 'pet migrate run', quiet=True)
    ctx.equal(failed['exit'], 3, '--quiet: a failure still exits with its code')
    ctx.contains(failed['stderr'], 'Error:', '--quiet: the error is printed')
    ctx.contains(failed['stderr'], 'wp pet migrate resume', 'advice for an active PET')
    ctx.absent(failed['stderr'], '`', 'no literal backticks')
    ctx.absent(failed['stderr'], 'pet-migrate ', 'no advice to use the standalone tool')
    clean_debug_log(ctx, site)


@test()
def test_item4_progress_bar_only_on_a_terminal(ctx):
    """`wp pet migrate run --network` draws a progress bar on a terminal and none when piped."""
    site = multisite_with_sites(ctx, 2)
    ctx.require(site.activate(network=True) is None, 'network activation')
    site.add_migration(UPGRADE_FIXTURE)
    code = """
        $r = WP_CLI::run( 'pet migrate run', array( 'network' => true, 'format' => 'json' ) );
        $bar = WP_CLI\\Utils\\Standin_Progress_Bar::$last;
        $r['bar'] = $bar ? array( $bar->ticks, $bar->total, $bar->finished ) : null;
        return $r;
    """
    piped = site.php(code, cli_standin=True)
    ctx.equal(piped['exit'], 0, 'exit code')
    ctx.equal(piped['bar'], None, 'piped: no progress bar')
    ctx.equal([r['site'] for r in json.loads(piped['stdout'])], [1, 2], 'rows per site')
    site.add_migration(OWNER_FIXTURE)
    terminal = site.php(code, cli_standin=True, env={'SHELL_PIPE': '0'})
    ctx.equal(terminal['bar'], [2, 2, True], 'terminal: the bar ticks once per site')
    ctx.contains(terminal['stdout'], 'Migrating sites  2/2', 'terminal: the bar is drawn')
    clean_debug_log(ctx, site)


# --------------------------------------------------------------------------- item 5


@test()
def test_item5_two_files_within_one_second_both_applied(ctx):
    """Two migration files land within one second while the site serves traffic (the folder's
    whole-second mtime does not move between them): both are applied, by ordinary requests."""
    site, client = served(ctx)
    deploy_time = int(time.time()) - 5
    site.add_migration(UPGRADE_FIXTURE)
    os.utime(site.migrations_dir, (deploy_time, deploy_time))
    client.get('/')
    site.wait_for_background()
    ctx.equal([r[0] for r in site.registry()], [BUNDLED, UPGRADE], 'the first file applied')
    site.add_migration(OWNER_FIXTURE, settle=False)
    os.utime(site.migrations_dir, (deploy_time, deploy_time))  # same second as the first file
    statuses = [s for _, s, _ in poll(lambda: client.get('/'), 3.5, 0.3)]
    ctx.equal(set(statuses), {200}, 'every request served')
    site.wait_for_background()
    ctx.equal([r[0] for r in site.registry()], [BUNDLED, UPGRADE, OWNER], 'the second file applied too')
    ctx.equal(state(site)['schema_version'], OWNER, 'state mirror in step')
    clean_debug_log(ctx, site)


def served(ctx):
    site = ctx.site()
    ctx.require(site.activate() is None, 'activation')
    site.start_server()
    client = harness.Client(site)
    client.get('/')
    return site, client


# --------------------------------------------------------------------------- item 6


@test()
def test_item6_gate_closed_while_migrating(ctx):
    """During a migration that takes ~6 s (its ALTER waits for a table another session reads),
    PET's REST route answers 503 "being updated" with Retry-After while status says migrating,
    and 200 once it is done. The visitor's request that found it returns at once (a background
    request runs it). A run that crashed does not keep the gate shut."""
    site = ctx.site()
    ctx.require(site.activate() is None, 'activation')
    sub_auth = app_password(site, 'subscriber')
    admin_auth = app_password(site, 'admin')
    site.start_server()
    anon = harness.Client(site)
    ctx.equal(anon.get('/wp-json/pet/v1/projects', headers={'Authorization': sub_auth}).status, 200, 'open before')

    site.add_migration(OWNER_FIXTURE)  # adds a column to pet_projects (waits for the deployment to settle)
    # Another session reads pet_projects in an open transaction for 6 s: the migration's ALTER
    # of that table waits for it (MariaDB metadata lock), so the migration runs ~6 s.
    holder = subprocess.Popen(
        ['mariadb', '--protocol=TCP', '-h', site.db.host, '-P', str(site.db.port), '-u', site.db.user, site.database,
         '-e', 'BEGIN; SELECT COUNT(*) FROM wp_pet_projects; SELECT SLEEP(6); COMMIT;'],
        env=dict(os.environ, MYSQL_PWD=site.db.password), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(0.5)
    t0 = time.monotonic()
    harness.Client(site).get('/?migrate')
    visitor = time.monotonic() - t0
    ctx.check(visitor < 2, 'the visitor who found it did not wait for it (%.2f s)' % visitor)
    time.sleep(0.8)
    during = []
    while site.handed_off() and time.monotonic() - t0 < 15:
        rest = anon.get('/wp-json/pet/v1/projects', headers={'Authorization': sub_auth})
        status = anon.get('/wp-json/pet/v1/migrations/status', headers={'Authorization': admin_auth})
        mode = status.json().get('mode') if status.status == 200 else None
        during.append((round(time.monotonic() - t0, 1), rest.status, mode, rest.headers.get('Retry-After'),
                       rest.json().get('message') if rest.status == 503 else None))
        time.sleep(0.4)
    holder.wait()
    took = time.monotonic() - t0
    ctx.figure('visitor request %.0f ms; migration took %.1f s; during it: %s' % (visitor * 1000, took, [(t, s, m) for t, s, m, _, _ in during]))
    ctx.check(took >= 3, 'the migration was slow enough to observe (%.1f s)' % took)
    ctx.check(during, 'requests were made during the migration')
    # Each sample asks PET's REST route, then the status route: while the status says
    # migrating, the route must have been closed already.
    ctx.equal([(t, s) for t, s, m, _, _ in during if m == 'migrating' and s != 503], [], "PET's REST route open while migrating")
    ctx.check(len([1 for _, s, m, _, _ in during if (s, m) == (503, 'migrating')]) >= 3, 'closed while migrating, seen several times')
    ctx.check(all(r == '30' for _, s, _, r, _ in during if s == 503), 'Retry-After while migrating')
    ctx.check(all('try again in a minute' in (m or '') for _, s, _, _, m in during if s == 503), 'the visitor is told to wait')
    ctx.equal([r[0] for r in site.registry()], [BUNDLED, OWNER], 'migration applied')
    ctx.equal(anon.get('/wp-json/pet/v1/projects', headers={'Authorization': sub_auth}).status, 200, 'open after')

    # A run that crashed mid-way leaves the mark behind: the next request after it is stale
    # runs the engine (which recovers the crashed attempt) and opens the gate.
    site.php("$s = get_option( 'pet_migrate_state' ); $s['mode'] = 'migrating'; $s['mode_before'] = 'ready'; $s['migrating_since'] = time() - 3600; update_option( 'pet_migrate_state', $s ); return 1;",
             with_extension=False)
    anon.get('/')
    site.wait_for_background()
    ctx.equal(state(site)['mode'], 'ready', 'a stale "migrating" mark is cleared by the next request')
    ctx.equal(anon.get('/wp-json/pet/v1/projects', headers={'Authorization': sub_auth}).status, 200, 'gate open again')
    clean_debug_log(ctx, site)


# --------------------------------------------------------------------------- item 7


@test()
def test_item7_half_uploaded_file_neither_applied_nor_held_against_the_site(ctx):
    """A migration written in two halves 3 s apart (a slow FTP upload): never applied half-way,
    PET's REST routes stay open meanwhile, and the file is applied soon after it is complete
    (closed only while its background run is under way, as "being updated")."""
    site = ctx.site()
    ctx.require(site.activate() is None, 'activation')
    sub_auth = app_password(site, 'subscriber')
    site.start_server()
    anon = harness.Client(site)
    with open(os.path.join(harness.FIXTURES, 'migrations', UPGRADE_FIXTURE)) as f:
        content = f.read()
    half = len(content) // 2
    path = os.path.join(site.migrations_dir, UPGRADE_FIXTURE)
    with open(path, 'w') as f:
        f.write(content[:half])
    seen = poll(lambda: anon.get('/wp-json/pet/v1/projects', headers={'Authorization': sub_auth}), 3.0)
    ctx.equal([r[0] for r in site.registry()], [BUNDLED], 'nothing applied from a half-written file')
    half_written = list(seen)
    with open(path, 'a') as f:
        f.write(content[half:])
    t_complete = time.monotonic()
    applied_after = None
    while time.monotonic() - t_complete < 10:
        resp = anon.get('/wp-json/pet/v1/projects', headers={'Authorization': sub_auth})
        seen.append((None, resp.status, resp.json().get('code') if resp.status == 503 else ''))
        if [r[0] for r in site.registry()] == [BUNDLED, UPGRADE]:
            applied_after = time.monotonic() - t_complete
            break
        time.sleep(0.2)
    ctx.check(applied_after is not None, 'the complete file was applied within 10 s')
    ctx.equal(sorted(set(s for _, s, _ in half_written)), [200], "PET's REST route stayed open while the file was half-written")
    ctx.equal([c for _, s, c in seen[len(half_written):] if s != 200], [c for _, s, c in seen[len(half_written):] if s == 503 and c == 'pet_migrating'],
              'after it: closed only as "being updated" while the background run applied it')
    ctx.equal(site.mails(), [], 'no failure mail for a file still arriving')
    if applied_after is not None:
        ctx.figure('applied %.1f s after the upload completed; %d requests: %s' % (
            applied_after, len(seen), ', '.join('%d x %d' % (sum(1 for _, s, _ in seen if s == code), code) for code in sorted(set(s for _, s, _ in seen)))))
    clean_debug_log(ctx, site)


# --------------------------------------------------------------------------- item 8


def admin_login(site):
    return harness.Client(site).login('admin', harness.ADMIN_PASSWORD)


@test()
def test_item8_notices_in_an_administrators_words(ctx):
    """Maintenance: one headline, the reason in plain words (no backticks, no `pet-migrate`),
    the engine's details as data, advice for wp-admin; the visitor's 503 says an administrator
    must act (no Retry-After); an invalid file is not "could not be applied"; Retry's outcome
    is a sentence, not PET_OK; an email to the administrator once per failed automatic upgrade."""
    site = ctx.site()
    ctx.require(site.activate() is None, 'activation')
    sub_auth = app_password(site, 'subscriber')
    site.start_server()
    anon = harness.Client(site)
    site.add_migration(BROKEN_FIXTURE)
    anon.get('/')  # the automatic upgrade fails, in the background request it hands off to
    site.wait_for_background()
    admin = admin_login(site)
    page = admin.get('/wp-admin/profile.php')
    notice = harness.notice_text(page)
    ctx.contains(notice, 'PET is paused: a database update failed and was undone.', 'one headline')
    ctx.equal(notice.count('PET is paused'), 1, 'the headline appears once')
    ctx.absent(notice, 'maintenance mode', 'no second "maintenance mode" headline')
    ctx.absent(notice, '`', 'no literal backticks')
    ctx.absent(notice, 'pet-migrate ', 'no command-line tool of the engine')
    ctx.contains(notice, BROKEN + ' broken_add_labels', 'migration named (data)')
    ctx.contains(notice, 'pet_no_such_table', 'reason (data)')
    ctx.contains(notice, 'click Retry', 'advice for wp-admin')
    gated = anon.get('/wp-json/pet/v1/projects', headers={'Authorization': sub_auth})
    ctx.equal(gated.status, 503, 'REST in maintenance')
    ctx.contains(gated.json().get('message', ''), 'until an administrator', 'the visitor is told what will happen')
    ctx.absent(gated.json().get('message', ''), 'few minutes', 'no promise of minutes')
    ctx.equal(gated.headers.get('Retry-After'), None, 'no Retry-After when waiting will not help')

    mails = site.mails()
    ctx.equal(len(mails), 1, 'one email to the administrator')
    if mails:
        ctx.equal(mails[0]['to'], 'admin@example.org', 'to the site administration email')
        ctx.contains(mails[0]['subject'], 'PET could not update its database', 'subject')
        ctx.contains(mails[0]['message'], BROKEN, 'names the migration')
        ctx.absent(json.dumps(mails), site.db.password, 'no password in mail')
    # The same failure found again (a redeploy of the same files) sends no second mail.
    os.utime(os.path.join(site.migrations_dir, BROKEN_FIXTURE))
    harness.settle_after_deploy()
    anon.get('/')
    site.wait_for_background()
    ctx.equal(len(site.mails()), 1, 'the same failure is mailed once')

    # Retry after the cause is gone: a sentence, not a result code.
    site.remove_migration(BROKEN_FIXTURE)
    page = admin.get('/wp-admin/tools.php?page=pet-migrations')
    action, fields = admin.form_fields(page, 'pet_migrate_retry')
    ctx.require(fields and fields.get('_wpnonce'), 'Retry form')
    after = admin.post(action, fields)
    ctx.contains(after.text(), "PET's database is up to date, and PET is available.", 'Retry outcome in words')
    ctx.absent(after.text(), 'PET_OK', 'no raw result code')

    # An invalid file: nothing ran, and the headline says so.
    with open(os.path.join(harness.FIXTURES, 'migrations', INVALID_FIXTURE)) as f:
        site.write_migration(INVALID_FIXTURE, f.read())
    anon.get('/')
    notice = harness.notice_text(admin.get('/wp-admin/profile.php'))
    ctx.contains(notice, 'its migration files are not valid, so no database update ran', 'invalid headline')
    ctx.absent(notice, 'could not be applied', 'no claim that something was applied')
    ctx.contains(notice, 'could lose data', 'the reason by kind (destructive)')
    ctx.contains(notice, INVALID_FIXTURE, 'file named (data)')
    ctx.equal(len(site.mails()), 2, 'a different failure is mailed')
    clean_debug_log(ctx, site)


@test()
def test_item8_deletion_text_is_true(ctx):
    """WordPress only says a plugin will delete "its data" when it has an uninstall routine;
    PET never deletes data, so it has none and WordPress says so truthfully."""
    site = ctx.site()
    ctx.require(site.activate() is None, 'activation')
    site.deactivate()
    site.start_server()
    admin = admin_login(site)
    plugins = admin.get('/wp-admin/plugins.php')
    row = plugins.body.split('data-plugin="pet/pet.php"')[0].rsplit('<tr', 1)[-1]
    ctx.absent(row, 'is-uninstallable', 'the row is not marked as deleting data')
    link = admin.nonce_link(plugins, r'action=delete-selected&amp;checked%5B0%5D=pet%2Fpet.php')
    ctx.require(link, 'the Delete link of PET')
    confirm = admin.get(link).text()
    ctx.contains(confirm, 'You are about to remove the following plugin', 'the confirmation page')
    ctx.absent(confirm, 'delete its data', 'no claim that PET deletes its data')
    ctx.check(site.php("return is_uninstallable_plugin( 'pet/pet.php' );", admin=True) is False, 'is_uninstallable_plugin()')


@test()
def test_item8_site_health(ctx):
    """Site Health → Info has a PET section (extension, state, schema, newest shipped, pending,
    failure; never the password); the status test is good when open, critical in maintenance."""
    site = ctx.site()
    ctx.require(site.activate() is None, 'activation')
    code = """
        require_once ABSPATH . 'wp-admin/includes/class-wp-debug-data.php';
        require_once ABSPATH . 'wp-admin/includes/class-wp-site-health.php';
        $info  = WP_Debug_Data::debug_data();
        $tests = WP_Site_Health::get_tests();
        $test  = $tests['direct']['pet'] ?? null;
        return array( 'info' => $info['pet'] ?? null, 'copy' => WP_Debug_Data::format( array( 'pet' => $info['pet'] ), 'debug' ),
                      'status' => $test ? call_user_func( $test['test'] ) : null );
    """
    good = site.php(code, admin=True, user='admin')
    ctx.require(good['info'], 'PET section in Site Health Info')
    fields = good['info']['fields']
    ctx.equal(sorted(fields), sorted(['extension', 'state', 'features', 'schema_version', 'newest_shipped', 'pending', 'last_run', 'last_failure']), 'fields')
    ctx.contains(fields['extension']['value'], 'Loaded, engine 0.1.0', 'extension and version')
    ctx.equal((fields['schema_version']['value'], fields['newest_shipped']['value'], fields['pending']['value']), (BUNDLED, BUNDLED, '0'), 'versions and pending')
    ctx.equal(good['status']['status'], 'good', 'status test when open')
    site.add_migration(BROKEN_FIXTURE)
    site.php('return 1;', admin=True, user='admin', env={'PET_EVAL_USER_AT_INIT': '1'})  # an admin page runs the failing upgrade
    bad = site.php(code, admin=True, user='admin')
    ctx.equal(bad['status']['status'], 'critical', 'status test in maintenance')
    ctx.contains(bad['status']['label'], 'PET is paused', 'status test label')
    ctx.contains(bad['info']['fields']['last_failure']['value'], BROKEN, 'Info names the failure')
    ctx.contains(bad['copy'], 'schema_version: ' + BUNDLED, 'the copy-to-clipboard text')
    ctx.absent(json.dumps(bad) + json.dumps(good), site.db.password, 'no password in Site Health')
    clean_debug_log(ctx, site)
