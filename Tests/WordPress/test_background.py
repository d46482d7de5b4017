"""Issue 15: WordPress runs the long data migrations. Slices from WP-Cron and from the admin
loopback, a visitor's request that hands a deployment off instead of running it, progress
where people look, gating by what the migration declares, cut-over controls, WP-CLI."""

import concurrent.futures
import json
import os
import re
import statistics
import subprocess
import time

import harness
from runner import test
from test_plugin import BROKEN, BROKEN_FIXTURE, BUNDLED, app_password, clean_debug_log, state

ORDERS = '2026_04_01_0001'
ORDERS_FILE = ORDERS + '_create_orders.json'
ORDERS_MIGRATION = {
    'description': 'Orders of the shop, as an older PET kept them.',
    'steps': [{
        'op': 'create_table', 'table': 'pet_orders',
        'columns': [{'name': 'id', 'type': 'bigint', 'auto_increment': True},
                    {'name': 'total', 'type': 'decimal', 'precision': 10, 'scale': 2},
                    {'name': 'status', 'type': 'string', 'length': 20}],
        'primary_key': ['id'],
    }],
}
CENTS = '2026_04_02_0001'
CENTS_FILE = CENTS + '_order_cents.json'
CENTS_MIGRATION = {
    'description': 'Amounts in cents, computed from the totals in the background.',
    'gates': 'writes',
    'steps': [
        {'op': 'add_column', 'table': 'pet_orders', 'column': {'name': 'total_cents', 'type': 'bigint', 'nullable': True}},
        {'op': 'backfill', 'table': 'pet_orders', 'set': {'total_cents': 'ROUND(total * 100)'}, 'where': "status <> 'trash'"},
    ],
}
V2 = '2026_04_03_0001'
V2_FILE = V2 + '_orders_v2.json'
V2_MIGRATION = {
    'description': 'Orders move to pet_orders_v2: amounts in cents, states in capitals.',
    'gates': 'nothing',
    'steps': [
        {'op': 'create_table', 'table': 'pet_orders_v2',
         'columns': [{'name': 'id', 'type': 'bigint'},
                     {'name': 'cents', 'type': 'bigint', 'nullable': True},
                     {'name': 'state', 'type': 'string', 'length': 20}],
         'primary_key': ['id']},
        {'op': 'copy_rows', 'from': 'pet_orders', 'to': 'pet_orders_v2',
         'columns': {'id': 'id', 'cents': 'ROUND(total * 100)', 'state': 'UPPER(status)'},
         'cutover': 'orders_v2',
         'reverse': {'total': 'CAST(cents / 100 AS DECIMAL(10,2))', 'status': 'LOWER(state)'}},
    ],
}


def wp(site, command, args=(), env=None, **assoc):
    """`wp pet migrate COMMAND [ARGS] [--ASSOC=VALUE]` through the WP-CLI stand-in: (exit, output)."""
    code = "return WP_CLI::run( %s, json_decode( %s, true ), json_decode( %s, true ) );" % (
        harness.php_str('pet migrate ' + command), harness.php_str(json.dumps(assoc)), harness.php_str(json.dumps(list(args))))
    out = site.php(code, cli_standin=True, env=env)
    return out['exit'], out['stdout'] + out['stderr']


def fill_orders(site, rows, prefix='wp_'):
    """Rows like a shop's: one in ten trashed (the backfill skips those). ANALYZE TABLE, as
    InnoDB does by itself a little later, so the engine's row estimate (and so its ETA) is
    what a site that has had the rows for a while would see."""
    site.db.run("INSERT INTO `%spet_orders` (id, total, status) SELECT seq, (seq %% 1000) + 0.99, "
                "IF(seq %% 10 = 0, 'trash', 'paid') FROM seq_1_to_%d; ANALYZE TABLE `%spet_orders`;" % (prefix, rows, prefix),
                site.database)


def deploy(site, file_name, migration, settle=True):
    site.write_migration(file_name, json.dumps(migration, indent=2), settle=settle)


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100.0 * (len(ordered) - 1))))]


def timed_get(client, path):
    t0 = time.monotonic()
    resp = client.get(path)
    return resp, (time.monotonic() - t0) * 1000


def runner_option(site):
    return site.php("return get_option( 'pet_migrate_runner' );")


def backfill_mismatches(site):
    return int(site.db.scalar(
        "SELECT COUNT(*) FROM wp_pet_orders WHERE (status <> 'trash' AND (total_cents IS NULL OR total_cents <> ROUND(total * 100))) "
        "OR (status = 'trash' AND total_cents IS NOT NULL)", site.database))


@test()
def test_wp_cron_drives_a_200k_row_backfill_while_visitors_are_served(ctx):
    """A deployment with a 200,000-row backfill, found by a visitor's request and then moved
    only by WP-Cron slices (no WP-CLI, no admin page): the visitor's request takes the time of
    an ordinary one, front-end pages are served throughout (latency against the same pages
    with no work running), PET's REST writes answer 503 with a Retry-After from the ETA while
    its reads work, and the backfill ends exactly right."""
    rows = int(os.environ.get('PET_WP_BACKFILL_ROWS', '200000'))
    # WP-Cron on, one-second slices, and no loopback: WP-Cron alone moves the work.
    site = ctx.site(wp_cron=True, config_lines=["define( 'PET_MIGRATE_SLICE_SECONDS', 1 );"])
    with open(os.path.join(site.dir, 'wp-content', 'mu-plugins', 'pet-test-no-loopback.php'), 'w') as f:
        f.write("<?php\nadd_filter( 'pet_migrate_loopback', '__return_false' );\n")
    deploy(site, ORDERS_FILE, ORDERS_MIGRATION, settle=False)
    ctx.require(site.activate() is None, 'activation')
    fill_orders(site, rows)
    admin_auth = app_password(site, 'admin')
    site.start_server()
    client = harness.Client(site)
    pages = ['/', '/?p=1', '/?page_id=2']
    for path in pages:
        client.get(path)  # warm the workers' opcache
    quiet = [timed_get(client, pages[i % len(pages)])[1] for i in range(60)]

    deploy(site, CENTS_FILE, CENTS_MIGRATION)
    first, first_ms = timed_get(client, '/')
    ctx.equal(first.status, 200, 'the request that found the deployment is served')
    ctx.figure('request that found the deployment: %.0f ms (ordinary request p50 %.0f ms, p99 %.0f ms)'
               % (first_ms, statistics.median(quiet), percentile(quiet, 99)))
    ctx.check(first_ms < max(3 * statistics.median(quiet), statistics.median(quiet) + 150),
              'the visitor did not wait for the migration (%.0f ms against p50 %.0f ms)' % (first_ms, statistics.median(quiet)))

    started = time.monotonic()
    busy, statuses, gated = [], [], []
    deadline = started + 300
    while time.monotonic() < deadline:
        resp, ms = timed_get(client, pages[len(busy) % len(pages)])
        busy.append(ms)
        statuses.append(resp.status)
        text = site.state_text()
        if 's:5:"gates";s:6:"writes"' in text and len(gated) < 3:
            write = client.request('/wp-json/pet/v1/projects', data=json.dumps({'title': 'During the backfill'}).encode(),
                                   headers={'Authorization': admin_auth, 'Content-Type': 'application/json'}, method='POST')
            read = client.get('/wp-json/pet/v1/projects', headers={'Authorization': admin_auth})
            gated.append((write.status, write.headers.get('Retry-After'), read.status,
                          write.json().get('code') if write.status == 503 else None))
        if 's:4:"mode";s:5:"ready"' in text and 's:6:"result";i:0;' in text:
            break
    elapsed = time.monotonic() - started
    ctx.require('s:4:"mode";s:5:"ready"' in site.state_text(), 'the work finished within 300 s (state: %s)' % site.state_text()[:300])
    ctx.equal(set(statuses), {200}, 'every front-end request during the work served')
    ctx.equal(backfill_mismatches(site), 0, 'every non-trashed row has total_cents = ROUND(total * 100), trashed rows none')
    runner = runner_option(site)
    origins = runner.get('origins', {})
    ctx.check(origins.get('cron', 0) >= 2 and not origins.get('loopback'), 'WP-Cron alone ran the slices (%r)' % origins)
    ctx.equal(runner.get('killed'), 0, 'no slice killed')
    ctx.check(any(g[0] == 503 for g in gated), 'a REST write during the work answered 503 (%r)' % gated)
    for write_status, retry_after, read_status, code in gated:
        if write_status == 503:
            ctx.check(retry_after is not None and 5 <= int(retry_after) <= 3600, 'Retry-After from the ETA: %r' % retry_after)
            ctx.equal(read_status, 200, 'a REST read during the work')
            ctx.equal(code, 'pet_migrating', 'the write is told PET is being updated')
    after = client.request('/wp-json/pet/v1/projects', data=json.dumps({'title': 'After the backfill'}).encode(),
                           headers={'Authorization': admin_auth, 'Content-Type': 'application/json'}, method='POST')
    ctx.equal(after.status, 201, 'REST writes work again once the backfill is done')
    ctx.equal(site.php("return wp_next_scheduled( 'pet_migrate_slice' );"), False, 'no slice left scheduled')
    ctx.figure('backfill of %d rows driven by WP-Cron: %.1f s, %d slices (%r), %d front-end requests served meanwhile'
               % (rows, elapsed, runner.get('slices', 0), origins, len(busy)))
    ctx.figure('front-end latency: quiet p50 %.0f ms / p99 %.0f ms; during the work p50 %.0f ms / p99 %.0f ms'
               % (statistics.median(quiet), percentile(quiet, 99), statistics.median(busy), percentile(busy, 99)))
    ctx.figure('REST during the work (write status, Retry-After, read status, code): %r' % gated)
    clean_debug_log(ctx, site)


@test()
def test_visitor_hands_the_deployment_off_and_an_admin_page_runs_it(ctx):
    """A visitor's request that finds a new migration does not run it: PET's features close
    (REST 503 pet_migrating with Retry-After) until a background request or an admin page
    runs it; here WP-Cron is off and the loopback cannot arrive (no server), so nothing runs
    until the administrator opens an admin page, which runs it inline."""
    site = ctx.site()
    ctx.require(site.activate() is None, 'activation')
    events_before = len(site.events())
    deploy(site, ORDERS_FILE, ORDERS_MIGRATION)
    t0 = time.monotonic()
    site.php("do_action( 'pet_test_front_end' ); return true;", uri='/')
    ctx.figure('a visitor request (wp-eval, no server) that found the deployment: %.0f ms' % ((time.monotonic() - t0) * 1000))
    ctx.equal([r[0] for r in site.registry()], [BUNDLED], 'the visitor request applied nothing')
    ctx.equal(len(site.events()), events_before, 'the visitor request did not run the engine')
    st = state(site)
    ctx.check(st['handed_off_at'] > 0 and st['mode'] == 'migrating', 'handed off: %r' % {k: st[k] for k in ('mode', 'handed_off_at')})
    ctx.check(site.php("return (bool) wp_next_scheduled( 'pet_migrate_slice' );"), 'a slice is scheduled')
    # The loopback could not connect (no server yet): the error is kept for the notices, and
    # no request tries again for 10 minutes (none pays the connect timeout meanwhile).
    runner = runner_option(site)
    ctx.check(isinstance(runner['loopback_error'], str) and runner['loopback_error'].strip() not in ('', '(0)'),
              'the connect error is recorded: %r' % runner['loopback_error'])
    ctx.check(runner['loopback_at'] >= time.time() + 500, 'no loopback for 10 minutes after a failed connect')
    site.start_server()
    anon = harness.Client(site)
    for _ in range(3):
        ctx.equal(anon.get('/').status, 200, 'front end served while handed off')
    sub_auth = app_password(site, 'subscriber')
    gated = anon.get('/wp-json/pet/v1/projects', headers={'Authorization': sub_auth})
    ctx.equal(gated.status, 503, 'PET routes closed until the schema steps ran')
    ctx.equal(gated.json().get('code') if gated.status == 503 else None, 'pet_migrating', 'error code')
    ctx.equal(gated.headers.get('Retry-After'), '30', 'Retry-After while schema steps wait')
    ctx.equal([r[0] for r in site.registry()], [BUNDLED], 'still nothing ran: visitors do not run it')
    # The status route reads the engine, which runs nothing and so knows of no run: that must
    # not end the hand-off's mark and open PET's features before the schema steps ran.
    status = anon.get('/wp-json/pet/v1/migrations/status', headers={'Authorization': app_password(site, 'admin')})
    ctx.equal(status.status, 200, 'the status route while handed off')
    ctx.equal(anon.get('/wp-json/pet/v1/projects', headers={'Authorization': sub_auth}).status, 503,
              'PET routes still closed after a status read')
    ctx.check(state(site)['handed_off_at'] > 0, 'still handed off after a status read')

    admin = harness.Client(site).login('admin', harness.ADMIN_PASSWORD)
    admin.get('/wp-admin/')
    ctx.equal([r[0] for r in site.registry()], [BUNDLED], 'an admin page a moment after the hand-off leaves it to the background')
    # No background request took it (no WP-Cron, the loopback could not connect): once the
    # hand-off is older than the grace, an admin page runs it rather than wait.
    site.php("$s = get_option( 'pet_migrate_state' ); $s['handed_off_at'] -= 30; $s['migrating_since'] -= 30; "
             "update_option( 'pet_migrate_state', $s ); return true;")
    admin.get('/wp-admin/')
    site.wait_for_background(30)
    ctx.equal([r[0] for r in site.registry()], [BUNDLED, ORDERS], 'the admin page ran it')
    ctx.equal(anon.get('/wp-json/pet/v1/projects', headers={'Authorization': sub_auth}).status, 200, 'PET routes open again')
    ctx.equal(state(site)['handed_off_at'], 0, 'hand-off cleared')
    clean_debug_log(ctx, site)


@test()
def test_a_run_that_never_ended_is_not_run_again_on_an_admin_page(ctx):
    """A run that started and never ended (the mark it leaves outlives any real run) was most
    likely killed by the web server's own time limit, which PHP cannot see. An admin page
    does not try it again inline, where the same limit would kill it half-way again: it hands
    it to a background slice, which answers its request before it works. Loopbacks are off
    and WP-Cron is disabled here, so nothing runs it until the slice is run by hand."""
    site = ctx.site()
    ctx.require(site.activate() is None, 'activation')
    with open(os.path.join(site.dir, 'wp-content', 'mu-plugins', 'pet-test-no-loopback.php'), 'w') as f:
        f.write("<?php add_filter( 'pet_migrate_loopback', '__return_false' );\n")
    deploy(site, ORDERS_FILE, ORDERS_MIGRATION)
    # What an admin page killed after it marked the site migrating leaves, three minutes ago.
    site.php("$key = Pet_Migration_Files::key( Pet_Migration_Files::listing() ); Pet_State::mark_migrating( $key ); "
             "$s = get_option( 'pet_migrate_state' ); $s['migrating_since'] -= 180; $s['attempted_at'] -= 180; "
             "update_option( 'pet_migrate_state', $s ); return true;")
    site.start_server()
    admin = harness.Client(site).login('admin', harness.ADMIN_PASSWORD)
    t0 = time.monotonic()
    page = admin.get('/wp-admin/')
    page_ms = (time.monotonic() - t0) * 1000
    ctx.equal(page.status, 200, 'the admin page')
    ctx.equal([r[0] for r in site.registry()], [BUNDLED], 'the admin page did not run it again inline')
    st = state(site)
    ctx.check(st['handed_off_at'] > 0 and st['mode'] == 'migrating', 'handed to the background, features closed: %r' % {
        k: st[k] for k in ('mode', 'handed_off_at', 'migrating_since')})
    ctx.check(site.php("return (bool) wp_next_scheduled( 'pet_migrate_slice' );"), 'a slice is scheduled')
    site.php("Pet_Background_Runner::run_slice( 'cron' ); return true;")
    ctx.equal([r[0] for r in site.registry()], [BUNDLED, ORDERS], 'the background slice ran it')
    st = state(site)
    ctx.equal((st['mode'], st['result'], st['handed_off_at']), ('ready', 0, 0), 'ready after the slice')
    ctx.figure('admin page that found a run that never ended: %.0f ms, handed off' % page_ms)
    clean_debug_log(ctx, site)


@test()
def test_a_migration_that_waited_behind_the_work_closes_pet_while_it_runs(ctx):
    """A migration that changes a table the data work uses waits behind that work; the slice
    that finishes the work applies it, and PET's features are closed while its schema steps
    run, as for any deployment (the engine's resume leaves it to the plugin, which closes
    them first). The index it adds waits for a table another session reads, so the test
    can look while it runs. WP-Cron off, loopbacks off: the slice is run by hand."""
    site = ctx.site()
    with open(os.path.join(site.dir, 'wp-content', 'mu-plugins', 'pet-test-no-loopback.php'), 'w') as f:
        f.write("<?php add_filter( 'pet_migrate_loopback', '__return_false' );\n")
    deploy(site, ORDERS_FILE, ORDERS_MIGRATION, settle=False)
    ctx.require(site.activate() is None, 'activation')
    fill_orders(site, 20000)
    deploy(site, CENTS_FILE, CENTS_MIGRATION)
    site.php("Pet_Runner::run_site( 'update' ); return true;")
    waiting_version = '2026_04_06_0001'
    deploy(site, waiting_version + '_order_status_index.json', {
        'description': 'An index on the orders the backfill is still filling: it waits behind it.',
        'steps': [{'op': 'add_index', 'table': 'pet_orders', 'index': {'name': 'status_total', 'columns': ['status', 'total']}}]})
    waiting = site.php("return Pet_Runner::run_site( 'update' );")
    ctx.require(waiting['result'] == 1 and 'applied when that work is done' in waiting['message'],
                'the index waits behind the backfill: %s' % waiting['message'])
    sub_auth = app_password(site, 'subscriber')
    site.start_server()
    anon = harness.Client(site)
    projects = lambda: anon.get('/wp-json/pet/v1/projects', headers={'Authorization': sub_auth}).status
    ctx.equal(projects(), 200, "PET's reads are open while the backfill (gates: writes) runs")

    # Another session reads the orders in a transaction: the ALTER waits for it to end.
    holder = subprocess.Popen(
        ['mariadb', '--protocol=TCP', '-h', site.db.host, '-P', str(site.db.port), '-u', site.db.user, site.database,
         '-e', 'BEGIN; SELECT COUNT(*) FROM wp_pet_orders; SELECT SLEEP(5); COMMIT;'],
        env=dict(os.environ, MYSQL_PWD=site.db.password), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(0.5)
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        slice_run = pool.submit(site.php, "return Pet_Background_Runner::run_slice( 'cron' );")
        seen = []
        while not slice_run.done():
            # A look counts when the migration had started before it was sent and was still
            # not applied after it was answered: the whole request fell inside the run.
            started = any(row[2] == 'started' and row[3] == waiting_version for row in site.events())
            status = projects()
            if started and waiting_version not in [r[0] for r in site.registry()]:
                seen.append(status)
            time.sleep(0.2)
        report = slice_run.result()
    holder.wait()
    ctx.figure('while the waiting migration ran: PET answered %s; the slice: %s' % (seen, report['message'][:160]))
    ctx.check(len(seen) >= 3, 'the schema step was seen running (%d looks)' % len(seen))
    ctx.equal(sorted(set(seen)), [503], "PET's features closed while the migration that waited runs its schema steps")
    ctx.equal([r[0] for r in site.registry()][-1], waiting_version, 'the slice applied it')
    ctx.equal(backfill_mismatches(site), 0, 'the backfill is exact')
    st = state(site)
    ctx.equal((st['mode'], st['result']), ('ready', 0), 'ready after the slice')
    ctx.equal(projects(), 200, 'PET open again')
    clean_debug_log(ctx, site)


@test()
def test_a_slice_does_not_run_a_hand_off_another_request_ran_meanwhile(ctx):
    """A background slice whose request loaded the options before another request (an admin
    page, WP-CLI) ran the handed-off deployment reads the state afresh: it runs nothing. Else
    a failing migration runs, and is undone, twice, and the administrator is mailed twice
    for one failure. The slice's process is held after WordPress has loaded until the other
    run is over."""
    site = ctx.site()
    ctx.require(site.activate() is None, 'activation')
    site.add_migration(BROKEN_FIXTURE)
    site.php("return true;", uri='/')  # a visitor's request hands it off (no server: no loopback)
    ctx.require(state(site)['handed_off_at'] > 0, 'handed off')
    go = os.path.join(site.dir, 'pet-test-go')
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        held = pool.submit(site.php, "Pet_State::get(); Pet_Background_Runner::runner(); while ( ! file_exists( %s ) ) { usleep( 20000 ); } "
                                     "return Pet_Background_Runner::run_slice( 'cron' );" % harness.php_str(go))
        time.sleep(2)  # WordPress has loaded in the slice's process, with the hand-off in its options.
        other = site.php("return Pet_Runner::run_site( 'upgrade', null, array(), Pet_State::get()['attempt_key'] )['result'];")
        open(go, 'w').close()
        slice_report = held.result()
    ctx.equal(other, 3, 'the other request ran it: the migration failed (PET_MAINTENANCE)')
    ctx.equal(slice_report, None, 'the slice found nothing left to run')
    runs = [row[2] for row in site.events() if row[3] == BROKEN]
    ctx.equal(runs, ['started', 'compensated', 'failed'], 'the failing migration ran once')
    ctx.equal(len(site.mails()), 1, 'one email for one failure')

    # A report is recorded over a fresh read of the state: what another request wrote since
    # this one loaded the options (here: which failure was mailed) is kept, not written back.
    os.remove(go)
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        held = pool.submit(site.php, "Pet_State::get(); while ( ! file_exists( %s ) ) { usleep( 20000 ); } "
                                     "Pet_State::record_report( Pet_Engine::status( Pet_DB_Config::for_site() ), 'status' ); "
                                     "return true;" % harness.php_str(go))
        time.sleep(2)
        site.php("Pet_State::set_mailed( 'written-by-another-request' ); return true;")
        open(go, 'w').close()
        held.result()
    ctx.equal(state(site)['mailed'], 'written-by-another-request', "another request's write survives a report recorded after it")
    clean_debug_log(ctx, site)


STALL_MU_PLUGIN = """<?php
// Test only: the stall shows at once, and admin pages send no loopback unless asked.
add_filter( 'pet_migrate_stall_seconds', function () { return 0; } );
add_filter( 'pet_migrate_loopback_seconds', function () { return (int) get_option( 'pet_test_loopback_seconds', PHP_INT_MAX ); } );
"""


@test()
def test_progress_notice_stall_warning_and_admin_loopback(ctx):
    """With WP-Cron disabled (DISABLE_WP_CRON) the data work does not move by itself: the
    administrator's notice says so, with the WP-CLI command; the progress notice shows
    percentage, rows and what PET's features do meanwhile; the admin loopback (allowed once
    more) then moves the work to the end without WP-Cron."""
    site = ctx.site()
    with open(os.path.join(site.dir, 'wp-content', 'mu-plugins', 'pet-test-stall.php'), 'w') as f:
        f.write(STALL_MU_PLUGIN)
    deploy(site, ORDERS_FILE, ORDERS_MIGRATION, settle=False)
    ctx.require(site.activate() is None, 'activation')
    fill_orders(site, 30000)
    site.start_server()
    admin = harness.Client(site).login('admin', harness.ADMIN_PASSWORD)
    subscriber = harness.Client(site).login('subscriber', harness.SUBSCRIBER_PASSWORD)
    deploy(site, CENTS_FILE, CENTS_MIGRATION, settle=True)
    page = admin.get('/wp-admin/')  # an admin page runs the schema steps inline; the backfill is queued
    st = state(site)
    ctx.equal((st['mode'], st['gates']), ('background', 'writes'), 'queued: mode and gates')
    page = admin.get('/wp-admin/index.php')
    text = harness.notice_text(page)
    ctx.contains(text, 'PET is updating its data in the background.', 'progress notice')
    ctx.contains(text, 'step 2 (backfill of wp_pet_orders): ', 'the step named')
    ctx.contains(text, 'does not change it', 'what "gates": "writes" means, in words')
    ctx.contains(text, 'DISABLE_WP_CRON', 'the stall explained')
    ctx.contains(text, 'wp pet migrate resume', 'the command that runs the work instead')
    ctx.absent(text, 'cannot send requests to itself', 'no loopback error named while none happened')
    # A loopback that failed earlier (its 10-minute pause over) is named in the notice...
    site.php("$r = get_option( 'pet_migrate_runner' ); $r['loopback_error'] = 'Connection refused (111)'; update_option( 'pet_migrate_runner', $r ); return 1;")
    ctx.contains(harness.notice_text(admin.get('/wp-admin/index.php')),
                 'This site cannot send requests to itself either (Connection refused (111)).', 'the stall names the loopback error')
    ctx.absent(harness.notice_text(subscriber.get('/wp-admin/profile.php')), 'PET', 'subscribers see no notice')
    ctx.equal(backfill_mismatches(site) > 0, True, 'nothing moved without WP-Cron and loopback')
    # The loopback's token is the guard: a stranger's request (no token, a wrong one, another
    # case of the right one) runs no slice.
    token = runner_option(site)['token']
    slices = runner_option(site).get('slices', 0)
    for forged in ({}, {'token': 'wrong'}, {'token': token.swapcase()}, {'token': token + 'x'}):
        resp = harness.Client(site).post('/wp-admin/admin-ajax.php', dict(forged, action='pet_migrate_slice'))
        ctx.equal(resp.status, 403, 'a loopback with a forged token (%s) is refused' % (sorted(forged) or 'none'))
    ctx.equal(runner_option(site).get('slices', 0), slices, 'no slice ran for a forged loopback')
    ctx.equal(backfill_mismatches(site) > 0, True, 'and the work did not move')

    site.php("update_option( 'pet_test_loopback_seconds', 0 ); return true;")
    started = time.monotonic()
    while time.monotonic() - started < 60 and 's:4:"mode";s:5:"ready"' not in site.state_text():
        admin.get('/wp-admin/index.php')
        time.sleep(0.3)
    ctx.require('s:4:"mode";s:5:"ready"' in site.state_text(), 'the loopback finished the work')
    ctx.equal(backfill_mismatches(site), 0, 'backfill exact')
    origins = runner_option(site).get('origins', {})
    ctx.check(origins.get('loopback', 0) >= 1 and origins.get('cron', 0) == 0, 'moved by the loopback only: %r' % origins)
    ctx.equal(runner_option(site)['loopback_error'], None, '... and forgotten once a loopback connects again')
    ctx.figure('30,000-row backfill finished by admin loopbacks in %.1f s (%r)' % (time.monotonic() - started, origins))
    ctx.absent(harness.notice_text(admin.get('/wp-admin/index.php')), 'in the background', 'no progress notice once done')
    clean_debug_log(ctx, site)


@test()
def test_cutover_from_the_operator_screen(ctx):
    """The operator screen shows the cut-over's phase and verification and offers what the
    phase allows, each a nonce-protected form with a confirmation: Verify, Switch on (5 %),
    Switch off, Switch on (100 %), Finalize. A forged form is refused; each switch is an event
    naming the user; pet_cutover_enabled() follows the cached flags with no query."""
    site = ctx.site()
    deploy(site, ORDERS_FILE, ORDERS_MIGRATION, settle=False)
    ctx.require(site.activate() is None, 'activation')
    fill_orders(site, 5000)
    deploy(site, V2_FILE, V2_MIGRATION, settle=True)
    code, out = wp(site, 'run')
    ctx.equal(code, 1, 'run: applied, the copy queued (PET_PENDING)')
    code, out = wp(site, 'resume')
    ctx.equal(code, 0, 'resume: the copy done')
    site.start_server()
    admin = harness.Client(site).login('admin', harness.ADMIN_PASSWORD)
    screen = '/wp-admin/tools.php?page=pet-migrations'

    def forms(page):
        return re.findall(r'<form[^>]*class="pet-cutover-form pet-cutover-(\w+)"', page.body)

    def submit(kind, percent=None):
        page = admin.get(screen)
        action, fields = admin.form_fields(page, 'pet-cutover-' + kind)
        ctx.require(fields and fields.get('_wpnonce'), 'the %s form with a nonce' % kind)
        if percent is not None:
            fields['percent'] = str(percent)
        return admin.post(action, fields)

    page = admin.get(screen)
    ctx.contains(page.text(), 'orders_v2', 'the flag on the screen')
    ctx.contains(page.text(), 'not verified yet', 'phase syncing in words')
    ctx.equal(forms(page), ['verify'], 'before verification only Verify is offered')
    ctx.contains(page.body, 'return window.confirm(', 'the forms ask for confirmation')

    forged = admin.post('/wp-admin/admin-post.php', {'action': 'pet_migrate_cutover', 'flag': 'orders_v2', 'switch': 'on', '_wpnonce': 'forged'})
    ctx.check(forged.status in (403, 200) and 'link you followed has expired' in forged.text(), 'a forged switch is refused')
    ctx.equal(state(site)['flags'], {'orders_v2': 0}, 'flag still off after the forged form')

    # Switch on before verification, with the page's own (valid) nonce: the engine refuses it,
    # and the screen says why in words.
    action, fields = admin.form_fields(admin.get(screen), 'pet-cutover-verify')
    before = site.snapshot()
    refused = admin.post(action, dict(fields, switch='on', percent='100'))
    ctx.equal(harness.snapshot_diff(before, site.snapshot()), [], 'database exactly as before the refused switch')
    ctx.contains(refused.text(), 'orders_v2 was not switched: its copy has not passed a verification', 'the refusal, in words')
    ctx.absent(refused.text(), '`', 'no command-line quoting on the screen')
    ctx.absent(refused.text(), 'pet-migrate ', "no engine command-line tool on the screen")
    ctx.equal(state(site)['flags'], {'orders_v2': 0}, 'flag still off after the refusal')

    done = submit('verify')
    ctx.contains(done.text(), 'Passed.', 'verification passed, shown with its figures')
    ctx.contains(done.text(), 'The copy for orders_v2 was verified', 'the outcome in words')
    ctx.equal(forms(done), ['verify', 'on'], 'after verification: Verify again or Switch on')
    done = submit('on', 5)
    ctx.equal(state(site)['flags'], {'orders_v2': 5}, 'on for 5 % (cached flags)')
    ctx.contains(done.text(), 'orders_v2 is on for 5 % of users', 'the outcome in words')
    ctx.equal(forms(done), ['on', 'off'], 'at 5 %: more, or off')
    share = site.php("$on = 0; for ( $i = 1; $i <= 2000; $i++ ) { $on += pet_cutover_enabled( 'orders_v2', 'user-' . $i ) ? 1 : 0; } return $on;")
    ctx.check(40 <= share <= 160, 'about 5 %% of 2,000 keys see it on: %d' % share)
    submit('off')
    ctx.equal(state(site)['flags'], {'orders_v2': 0}, 'off')
    submit('verify')
    submit('on', 100)
    done = admin.get(screen)
    ctx.equal(forms(done), ['off', 'finalize'], 'at 100 %: off or finalize')
    ctx.check(site.php("return pet_cutover_enabled( 'orders_v2' );"), 'on for everyone')
    done = submit('finalize')
    ctx.contains(done.text(), 'Finalized', 'finalized')
    ctx.equal(forms(done), [], 'nothing more to switch')
    ctx.equal(sorted(site.tables()) == sorted(set(site.tables())), True, 'tables listed')
    ctx.contains(site.tables(), 'wp_pet_orders', 'the old table is kept')
    switches = [' '.join(e) for e in site.events() if 'cutover' in e and re.search(r'switched|finalized', ' '.join(e))]
    ctx.equal(len(switches), 4, 'four switches recorded (on 5 %, off, on, finalize)')
    ctx.check(all('by wordpress:admin (user 1) from the PET Migrations screen' in e for e in switches),
              'every switch an event naming the user: %r' % switches)
    clean_debug_log(ctx, site)


@test()
def test_wp_cli_resume_pause_verify_cutover(ctx):
    """`wp pet migrate resume` runs slices to the end with a progress bar on a terminal;
    `pause` holds the work (WP-Cron then leaves it alone) and `resume` continues it; `verify`
    and `cutover` print the flag and exit with the engine's codes (refused 1, unknown 5,
    usage 1); --format=json is parseable."""
    site = ctx.site()
    deploy(site, ORDERS_FILE, ORDERS_MIGRATION, settle=False)
    ctx.require(site.activate() is None, 'activation')
    fill_orders(site, 20000)
    deploy(site, CENTS_FILE, CENTS_MIGRATION, settle=False)
    deploy(site, V2_FILE, V2_MIGRATION, settle=True)
    code, out = wp(site, 'run')
    ctx.equal(code, 1, 'run: schema applied, data work queued')
    code, out = wp(site, 'pause')
    ctx.equal(code, 0, 'pause exits 0')
    ctx.contains(out, 'yes', 'the work listed as paused')
    st = state(site)
    ctx.check(st['work'] and all(item['paused'] for item in st['work']), 'every item paused in the cached state')
    ctx.equal(site.php("wp_clear_scheduled_hook( 'pet_migrate_slice' ); "
                       "Pet_Background_Runner::on_pending_work( array( 'work' => Pet_State::get()['work'] ) ); "
                       "return wp_next_scheduled( 'pet_migrate_slice' );"), False, 'no slice scheduled for paused work')
    code, out = wp(site, 'cutover', args=['orders_v2', 'on'])
    ctx.equal(code, 1, 'cutover on while copying: refused (PET_PENDING)')
    ctx.contains(out, 'is still running', 'why it was refused: the copy is still running')
    ctx.contains(out, '`wp pet migrate resume`', 'the next step as WP-CLI spells it')
    ctx.absent(out, '`pet-migrate', "not the engine's own command line")
    code, out = wp(site, 'cutover', args=['no_such_flag', 'on'])
    ctx.equal(code, 5, 'unknown flag: PET_CONFIG')
    code, out = wp(site, 'cutover', args=['orders_v2', 'sideways'])
    ctx.equal(code, 1, 'usage error: exit 1')

    code, out = wp(site, 'resume', env={'SHELL_PIPE': '0'}, budget='0.3')
    ctx.equal(code, 0, 'resume runs slices to the end (exit 0)')
    ctx.contains(out, 'Background work', 'progress bar drawn on a terminal')
    ctx.contains(out, '100/100', 'the bar reaches 100')
    ctx.equal(backfill_mismatches(site), 0, 'backfill exact')
    code, out = wp(site, 'verify', args=['orders_v2'], format='json')
    ctx.equal(code, 0, 'verify passes (exit 0)')
    rows = json.loads(out[out.index('['):out.rindex(']') + 1]) if '[' in out else []
    ctx.equal([(r['flag'], r['phase'], r['passed']) for r in rows], [('orders_v2', 'verified', 'yes')], 'verify --format=json')
    code, out = wp(site, 'cutover', args=['orders_v2', 'on'], percent='20')
    ctx.equal(code, 0, 'cutover on --percent=20')
    ctx.equal(state(site)['flags'], {'orders_v2': 20}, 'the cached flags follow the CLI at once')
    code, out = wp(site, 'cutover', args=['orders_v2', 'finalize'])
    ctx.equal(code, 5, 'finalize below 100 %: PET_CONFIG')
    events = [' '.join(e) for e in site.events() if 'cutover' in e]
    ctx.check(any('wp-cli' in e for e in events), 'the switch names wp-cli as the actor')
    clean_debug_log(ctx, site)


def registered_sites(site, blog_ids):
    """How many of the sites have the bundled migration in their registry (one query per
    hundred sites)."""
    done = 0
    for start in range(0, len(blog_ids), 100):
        parts = ["SELECT COUNT(*) FROM `%s` WHERE version = '%s'" % (prefix_of(b) + 'pet_migrations', BUNDLED)
                 for b in blog_ids[start:start + 100]
                 if prefix_of(b) + 'pet_migrations' in site_tables(site)]
        if parts:
            done += sum(int(r[0]) for r in site.db.rows(' UNION ALL '.join(parts), site.database))
    return done


def prefix_of(blog_id):
    return 'wp_' if blog_id == 1 else 'wp_%d_' % blog_id


def site_tables(site):
    return set(r[0] for r in site.db.rows("SHOW TABLES LIKE '%pet\\_migrations'", site.database))


def walk_done(site):
    m = re.search(r's:4:"done";i:(\d+)', site.network_walk())
    return int(m.group(1)) if m else 0


@test()
def test_network_of_many_sites_activated_in_slices(ctx):
    """A network of many sites (PET_WP_NETWORK_SITES: 200 in the suite, 1,000 for the issue's
    figures) network-activated: the activating
    request migrates only the main site and returns; the others are migrated in background
    slices (each network admin page keeps the walk going; WP-Cron is off on test sites); the
    web server is killed in the middle and the walk resumes from its cursor to completion; a
    site visited before the walk reaches it is migrated on that first visit; the network
    screen pages and counts, and the network notice costs a few queries whatever the size."""
    count = int(os.environ.get('PET_WP_NETWORK_SITES', '200'))
    site = ctx.site(multisite=True)
    # Network admin pages send a loopback at most every 2 s instead of every minute, so the
    # walk resumes soon after the restart (on a real network WP-Cron resumes it too).
    with open(os.path.join(site.dir, 'wp-content', 'mu-plugins', 'pet-test-loopback.php'), 'w') as f:
        f.write("<?php\nadd_filter( 'pet_migrate_loopback_seconds', function () { return 2; } );\n")
    t0 = time.monotonic()
    made = site.php("""
        global $wpdb;
        for ( $i = 2; $i <= %d; $i++ ) {
            $id = wp_insert_site( array( 'domain' => DOMAIN_CURRENT_SITE, 'path' => '/s' . $i . '/', 'title' => 's' . $i, 'user_id' => 1 ) );
            if ( is_wp_error( $id ) ) { return $id->get_error_message(); }
        }
        return (int) $wpdb->get_var( "SELECT COUNT(*) FROM {$wpdb->blogs}" );
    """ % count, admin=True, user='admin')
    ctx.require(made == count, 'network of %d sites created (%r)' % (count, made))
    ctx.figure('%d sites created by script in %.1f s' % (count, time.monotonic() - t0))
    blog_ids = [int(r[0]) for r in site.db.rows('SELECT blog_id FROM wp_blogs ORDER BY blog_id', site.database)]

    t0 = time.monotonic()
    ctx.require(site.activate(network=True) is None, 'network activation')
    activation = time.monotonic() - t0
    ctx.equal(registered_sites(site, blog_ids), 1, 'the activating request migrated only the main site')
    ctx.contains(site.network_walk(), 's:5:"total";i:%d;' % count, 'the walk counts every site')

    site.start_server()
    admin = harness.Client(site).login('admin', harness.ADMIN_PASSWORD)
    t_walk = time.monotonic()
    admin.get('/wp-admin/network/')  # its notice starts the loopback chain
    while walk_done(site) < count // 3 and time.monotonic() - t_walk < 600:
        time.sleep(0.2)
    site.stop_server()  # the web server and its workers killed in the middle of a slice
    at_kill = walk_done(site)
    migrated_at_kill = registered_sites(site, blog_ids)
    ctx.check(0 < at_kill < count, 'killed in the middle (%d of %d walked)' % (at_kill, count))
    time.sleep(1)
    ctx.equal(walk_done(site), at_kill, 'nothing moves while the server is down')

    site.start_server()
    admin = harness.Client(site).login('admin', harness.ADMIN_PASSWORD)
    visited = blog_ids[-1]
    first_visit = harness.Client(site).get('/s%d/' % visited)
    ctx.equal(first_visit.status, 200, 'a site the walk has not reached serves its first visitor')
    site.wait_for_background(60, prefix=prefix_of(visited))
    ctx.equal([r[0] for r in site.registry(prefix_of(visited))], [BUNDLED], 'migrated on its first visit, before the walk got there')

    log = None
    if count >= 100:
        page = admin.get('/wp-admin/network/', headers={'X-Pet-Query-Log': 'network-notice'})
        ctx.contains(harness.notice_text(page), 'of %s done' % format(count, ','), 'the network notice shows the walk')
        log = site.query_log('network-notice')
    resumed = site.wait_for_network_walk(900, poke=lambda: admin.get('/wp-admin/network/'))
    total_walk = time.monotonic() - t_walk
    ctx.equal(registered_sites(site, blog_ids), count, 'every site migrated after the resumed walk')
    ctx.contains(site.network_walk(), 's:6:"failed";i:0;', 'no site failed')

    screen = admin.get('/wp-admin/network/settings.php?page=pet-migrations', headers={'X-Pet-Query-Log': 'network-screen'})
    ctx.equal(screen.status, 200, 'network screen')
    ctx.check(len(re.findall(r'(?s)<tr>', screen.body.split('pet-sites', 1)[-1])) <= 51, 'one page of sites (50 rows)')
    ctx.contains(screen.text(), 'Ready (%s)' % format(count, ','), 'every site counted as ready')
    ctx.contains(screen.text(), 'Failed (0)', 'no failures counted')
    if count > 50:
        ctx.check('paged=2' in screen.body, 'pagination links')
    screen_log = site.query_log('network-screen')
    quiet = admin.get('/wp-admin/network/', headers={'X-Pet-Query-Log': 'network-quiet'})
    ctx.equal(harness.notice_text(quiet), '', 'no notice once every site is ready')
    quiet_log = site.query_log('network-quiet')
    pet_queries = sum(1 for c in quiet_log['callers'] if 'Pet_' in c)
    ctx.check(pet_queries <= 3, "PET's queries on a network admin page: %d" % pet_queries)
    ctx.figure('network activation of %d sites returned in %.2f s (incl. PHP start); the walk migrated the rest in %.1f s '
               '(%d walked when the server was killed, %d sites migrated then; resumed to the end in %.1f s)'
               % (count, activation, total_walk, at_kill, migrated_at_kill, resumed))
    if log:
        ctx.figure('network admin page during the walk: %d queries (%d by PET), peak %.1f MB'
                   % (log['count'], sum(1 for c in log['callers'] if 'Pet_' in c), log['peak_memory'] / 1e6))
    ctx.figure('network admin page when all is well: %d queries (%d by PET), peak %.1f MB; network screen: %d queries, %d KB'
               % (quiet_log['count'], pet_queries, quiet_log['peak_memory'] / 1e6, screen_log['count'], len(screen.body) // 1024))
    clean_debug_log(ctx, site)


@test()
def test_a_new_network_walk_supersedes_a_running_one(ctx):
    """A network walk re-reads its option from the database after every site: when another
    request starts a new walk meanwhile (a second deployment), the running slice stops and
    leaves the new walk exactly as written, instead of writing its own cursor over it from
    this request's cache. The new walk's slice then migrates every site."""
    site = ctx.site(multisite=True)
    made = site.php("""
        $ids = array();
        foreach ( array( 's2', 's3', 's4' ) as $slug ) {
            $ids[] = wp_insert_site( array( 'domain' => DOMAIN_CURRENT_SITE, 'path' => '/' . $slug . '/', 'title' => $slug, 'user_id' => 1 ) );
        }
        return $ids;
    """, admin=True, user='admin')
    ctx.equal(made, [2, 3, 4], 'sites 2 to 4 created')
    ctx.require(site.activate(network=True) is None, 'network activation (no server: the walk waits)')
    ctx.contains(site.network_walk(), 's:6:"cursor";i:0;', 'the first walk has not started')
    # After the slice's first site, another request (simulated by a write that bypasses this
    # request's cache, as a second process's would) starts walk B.
    result = site.php("""
        global $wpdb;
        $walk_b = null;
        add_action( 'pet_migrate_after_run', function () use ( &$walk_b, $wpdb ) {
            if ( null !== $walk_b ) { return; }
            $walk_b = array( 'context' => 'upgrade', 'key' => 'walk-b', 'cursor' => 0, 'total' => 4, 'done' => 0, 'failed' => 0,
                             'started_at' => time() + 5, 'updated_at' => time(), 'finished_at' => 0 );
            $wpdb->update( $wpdb->sitemeta, array( 'meta_value' => maybe_serialize( $walk_b ) ),
                           array( 'meta_key' => 'pet_migrate_network_queue', 'site_id' => get_current_network_id() ) );
        }, 99 );
        Pet_Network_Queue::run_slice();
        $stored = $wpdb->get_var( $wpdb->prepare( "SELECT meta_value FROM {$wpdb->sitemeta} WHERE meta_key = %s", 'pet_migrate_network_queue' ) );
        return array( 'written' => $walk_b, 'stored' => maybe_unserialize( $stored ) );
    """, admin=True, user='admin')
    ctx.require(result['written'], 'walk B was started during the slice')
    ctx.equal(result['stored'], result['written'], 'walk B left exactly as written (the old slice stopped)')
    ctx.equal(registered_sites(site, [2, 3, 4]), 0, 'the old slice stopped after its first site (the main site, already migrated)')
    walked = site.php("Pet_Network_Queue::run_slice(); return Pet_Network_Queue::get( true );", admin=True, user='admin')
    ctx.equal((walked['key'], walked['done'], walked['failed']), ('walk-b', 4, 0), "walk B's slice walked every site")
    ctx.check(walked['finished_at'] > 0, 'walk B finished')
    ctx.equal(registered_sites(site, [1, 2, 3, 4]), 4, 'every site migrated')
    clean_debug_log(ctx, site)


@test()
def test_a_slice_tells_a_running_slice_from_a_killed_one(ctx):
    """The runner's record of the last slice: a slice that finds another still within its
    budget (plus a grace period) leaves that record alone and counts no kill; one that finds
    a slice that started and never ended past that time counts it as killed, halves the
    budget for the next ones and starts its own record."""
    site = ctx.site()
    ctx.require(site.activate() is None, 'activation')
    result = site.php("""
        $base = get_option( 'pet_migrate_runner' );
        $base = is_array( $base ) ? $base : array();
        $now  = microtime( true );
        $running = array_merge( $base, array( 'started_at' => $now - 2, 'ended_at' => $now - 60, 'budget_ms' => 8000, 'cap_ms' => 0, 'killed' => 0 ) );
        update_option( 'pet_migrate_runner', $running );
        Pet_State::mark_handed_off( null ); // Something for the slice to do (a slice without work does nothing).
        Pet_Background_Runner::run_slice( 'cron' );
        $after_running = get_option( 'pet_migrate_runner' );
        $killed = array_merge( $base, array( 'started_at' => $now - 60, 'ended_at' => $now - 120, 'budget_ms' => 8000, 'cap_ms' => 0, 'killed' => 0 ) );
        update_option( 'pet_migrate_runner', $killed );
        Pet_State::mark_handed_off( null );
        Pet_Background_Runner::run_slice( 'cron' );
        $after_killed = get_option( 'pet_migrate_runner' );
        return array( 'running' => $running, 'after_running' => $after_running, 'after_killed' => $after_killed, 'now' => $now );
    """)
    running, after = result['running'], result['after_running']
    ctx.equal((after['started_at'], after['budget_ms'], after['killed'], after['cap_ms']),
              (running['started_at'], 8000, 0, 0), 'a slice in flight: its record left alone, no kill counted')
    ctx.equal(after['ended_at'], running['ended_at'], 'nor marked ended by the other slice')
    killed = result['after_killed']
    ctx.equal((killed['killed'], killed['cap_ms']), (1, 4000), 'a slice past its budget and grace: counted as killed, the cap halved')
    ctx.check(killed['started_at'] >= result['now'] and killed['ended_at'] >= killed['started_at'],
              'the new slice recorded its own start and end')
    ctx.check(killed['budget_ms'] <= 4000, 'the new slice ran within the halved cap: %r' % killed['budget_ms'])
    clean_debug_log(ctx, site)
