"""PET on a real server: the Debian package (engine, PHP extension, CLI), the plugin zip, and
`make install`; then WordPress served by Debian's nginx and php8.2-fpm with the extension
loaded by the package's ini, PET uploaded and activated through wp-admin in headless Chromium,
a failing upgrade and its recovery, a burst of requests right after a deployment, FPM reloads,
package removal and reinstallation. Prints the figures the issue asks for (lintian, file list,
php-fpm8.2 -m, per-worker memory and first-request latency with and without the extension)."""

import base64
import concurrent.futures
import glob
import os
import re
import shutil
import statistics
import subprocess
import tempfile
import time
import zipfile

import harness
import server_stack as stack
import test_background as bg
import test_browser
from runner import test
from test_plugin import BROKEN, BROKEN_FIXTURE, BUNDLED, OWNER, OWNER_FIXTURE, UPGRADE, UPGRADE_FIXTURE, app_password, clean_debug_log

CLI = os.path.join(harness.REPO, '.build', 'release', 'pet-migrate')


def engine_version():
    return subprocess.run([CLI, '--version'], capture_output=True, text=True, check=True).stdout.strip()


def multiarch():
    return subprocess.run(['dpkg-architecture', '-qDEB_HOST_MULTIARCH'], capture_output=True, text=True,
                          check=True).stdout.strip()


def readelf(path):
    return subprocess.run(['readelf', '-d', path], capture_output=True, text=True, check=True).stdout


def deb_field(deb, field):
    return subprocess.run(['dpkg-deb', '--field', deb, field], capture_output=True, text=True, check=True).stdout.strip()


def deb_files(deb):
    out = subprocess.run(['dpkg-deb', '--contents', deb], capture_output=True, text=True, check=True).stdout
    return [line.split()[5][1:] for line in out.splitlines() if not line.startswith('d')]


# --------------------------------------------------------------------------- build products


@test(needs_engine=False)
def test_debian_package_contents_and_lintian(ctx):
    """dist/pet-migrate_VERSION_ARCH.deb: version from the engine, the files where Debian wants
    them, Depends on the C client libraries and PHP's API version, the ini a conffile enabled
    and disabled by phpenmod/phpdismod, the extension's RUNPATH on the private engine directory,
    and lintian without errors or warnings."""
    deb = stack.package_file()
    version = engine_version()
    arch = subprocess.run(['dpkg', '--print-architecture'], capture_output=True, text=True, check=True).stdout.strip()
    phpapi = subprocess.run(['php-config', '--phpapi'], capture_output=True, text=True, check=True).stdout.strip()
    extension_dir = subprocess.run(['php-config', '--extension-dir'], capture_output=True, text=True, check=True).stdout.strip()
    ctx.equal(os.path.basename(deb), 'pet-migrate_%s_%s.deb' % (version, arch), 'file name')
    ctx.equal(deb_field(deb, 'Package'), 'pet-migrate', 'Package')
    ctx.equal(deb_field(deb, 'Version'), version, 'Version (the engine reports it)')
    ctx.equal(deb_field(deb, 'Architecture'), arch, 'Architecture')
    depends = [d.strip().split(' ')[0] for d in deb_field(deb, 'Depends').split(',')]
    for needed in ('libc6', 'libmariadb3', 'libsqlite3-0', 'phpapi-' + phpapi, 'php-common'):
        ctx.contains(depends, needed, 'Depends')
    ctx.figure('Depends: ' + deb_field(deb, 'Depends'))

    libdir = '/usr/lib/%s/pet-migrate' % multiarch()
    files = deb_files(deb)
    expected = ['/etc/php/%s/mods-available/pet_migrate.ini' % stack.PHP_VERSION, '/usr/bin/pet-migrate',
                '/usr/include/pet_migrate.h', extension_dir + '/pet_migrate.so', libdir + '/libpet_migrate.so',
                '/usr/lib/%s/pkgconfig/pet-migrate.pc' % multiarch(), '/usr/share/doc/pet-migrate/MIGRATIONS.md',
                '/usr/share/doc/pet-migrate/README.md', '/usr/share/doc/pet-migrate/changelog.gz',
                '/usr/share/doc/pet-migrate/copyright', '/usr/share/man/man1/pet-migrate.1.gz']
    expected += ['/usr/share/doc/pet-migrate/' + os.path.basename(note)
                 for note in glob.glob(os.path.join(harness.REPO, 'docs', '*.md'))]  # design notes for operators
    ctx.equal(sorted(files), sorted(expected), 'the package holds exactly these files')
    ctx.figure('package file list (%s, %d KB):' % (os.path.basename(deb), os.path.getsize(deb) // 1024))
    listing = subprocess.run(['dpkg-deb', '--contents', deb], capture_output=True, text=True, check=True).stdout
    for line in listing.splitlines():
        parts = line.split()
        if not parts[0].startswith('d'):
            ctx.figure('  %s %10s %s' % (parts[0], parts[2], parts[5][1:]))

    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(['dpkg-deb', '--raw-extract', deb, tmp], check=True)
        with open(os.path.join(tmp, 'DEBIAN', 'conffiles')) as f:
            ctx.equal(f.read().split(), ['/etc/php/%s/mods-available/pet_migrate.ini' % stack.PHP_VERSION], 'conffiles')
        with open(os.path.join(tmp, 'etc', 'php', stack.PHP_VERSION, 'mods-available', 'pet_migrate.ini')) as f:
            ini = f.read()
        ctx.check(re.search(r'(?m)^; priority=\d+$', ini) and re.search(r'(?m)^extension=pet_migrate\.so$', ini),
                  'ini has a phpenmod priority and loads pet_migrate.so: %r' % ini)
        scripts = {}
        for name in ('postinst', 'prerm', 'postrm'):
            with open(os.path.join(tmp, 'DEBIAN', name)) as f:
                scripts[name] = f.read()
            ctx.check(os.access(os.path.join(tmp, 'DEBIAN', name), os.X_OK), '%s executable' % name)
            ctx.check('@' not in scripts[name], '%s fully substituted' % name)
        ctx.contains(scripts['postinst'], 'php_invoke enmod %s "$sapi" pet_migrate' % stack.PHP_VERSION, 'postinst enables')
        ctx.contains(scripts['postinst'], 'for sapi in fpm cli', 'postinst: FPM and CLI')
        ctx.contains(scripts['prerm'], 'php_invoke dismod %s ALL pet_migrate' % stack.PHP_VERSION, 'prerm disables')
        extension = readelf(tmp + extension_dir + '/pet_migrate.so')
        ctx.contains(extension, 'Library runpath: [%s]' % libdir, "the extension's RUNPATH is the engine's directory")
        ctx.contains(extension, 'Shared library: [libpet_migrate.so]', 'the extension links the engine')
        library = readelf(tmp + libdir + '/libpet_migrate.so')
        ctx.contains(library, 'Library soname: [libpet_migrate.so]', 'SONAME')
        ctx.contains(library, 'NODELETE', 'the engine stays mapped when PHP unloads the extension (-z nodelete)')
        ctx.equal(re.findall(r'R(?:UN)?PATH.*\[(/[^\]]*)\]', library + readelf(tmp + '/usr/bin/pet-migrate')), [],
                  'no absolute RUNPATH (a build directory) in the engine or the command')
        out = subprocess.run(['file', '-b', tmp + libdir + '/libpet_migrate.so'], capture_output=True, text=True)
        if out.returncode == 0:
            ctx.contains(out.stdout, 'stripped', 'engine stripped')

    t0 = time.monotonic()
    lint = subprocess.run(['lintian', '--fail-on', 'error,warning', deb], capture_output=True, text=True)
    lines = [l for l in (lint.stdout + lint.stderr).splitlines() if l.strip()]
    ctx.figure('lintian %s (%.0f s), exit %d:' % (os.path.basename(deb), time.monotonic() - t0, lint.returncode))
    for line in lines or ['(no output: no error, warning or pedantic tag)']:
        ctx.figure('  ' + line)
    ctx.equal(lint.returncode, 0, 'lintian exit code')
    ctx.equal([l for l in lines if re.match(r'^[EW]: ', l)], [], 'lintian errors and warnings')


@test(needs_engine=False)
def test_plugin_zip_for_upload(ctx):
    """dist/pet-VERSION.zip: one folder pet/ with the plugin, its readme, languages and
    migrations, and nothing of development (tests, Markdown, dot-files)."""
    path = stack.plugin_zip()
    with open(os.path.join(harness.PLUGIN_SOURCE, 'pet.php')) as f:
        version = re.search(r'(?m)^ \* Version: *(\S+)$', f.read()).group(1)
    ctx.equal(os.path.basename(path), 'pet-%s.zip' % version, 'zip name carries the plugin version')
    with zipfile.ZipFile(path) as z:
        ctx.equal(z.testzip(), None, 'zip integrity')
        names = [n for n in z.namelist() if not n.endswith('/')]
    ctx.check(all(n.startswith('pet/') for n in names), 'everything inside pet/')
    for needed in ('pet/pet.php', 'pet/readme.txt', 'pet/languages/pet.pot',
                   'pet/includes/class-pet-engine.php'):
        ctx.contains(names, needed, 'zip content')
    shipped_migrations = sorted(os.listdir(os.path.join(harness.PLUGIN_SOURCE, 'migrations')))
    ctx.equal(sorted(n[len('pet/migrations/'):] for n in names if n.startswith('pet/migrations/')), shipped_migrations,
              'every shipped migration')
    ctx.equal([n for n in names if re.search(r'(^|/)(tests?/|\.[^/]+$)|\.md$|phpunit', n)], [], 'development files')
    source = []
    for root, _, files in os.walk(harness.PLUGIN_SOURCE):
        for name in files:
            rel = os.path.relpath(os.path.join(root, name), harness.PLUGIN_SOURCE)
            if not re.search(r'(^|/)(tests?/|\.[^/]+$)|\.md$|phpunit', rel):
                source.append('pet/' + rel)
    ctx.equal(sorted(names), sorted(source), 'the zip holds every plugin file')
    ctx.figure('%s: %d files, %d KB' % (os.path.basename(path), len(names), os.path.getsize(path) // 1024))


@test(needs_engine=False)
def test_make_install_prefix(ctx):
    """`make install PREFIX=…` for machines without the package: a C program built with the
    installed pkg-config file and header runs against the installed engine, PHP loads the
    installed extension (which finds the engine by its RUNPATH, no LD_LIBRARY_PATH), the
    installed ini loads it from a scan directory, and the installed command works. The man page
    documents every command and option the command has."""
    with tempfile.TemporaryDirectory(prefix='pet-install-') as tmp:
        prefix = os.path.join(tmp, 'prefix')
        extdir = os.path.join(tmp, 'php-extensions')
        env = stack.system_env()
        env.pop('LD_LIBRARY_PATH', None)
        t0 = time.monotonic()
        # -o lib -o cli: the release build exists (make test built it); do not ask swift again.
        out = subprocess.run(['make', '-s', '-C', harness.REPO, '-o', 'lib', '-o', 'cli', 'install', 'PREFIX=' + prefix,
                              'PHP_EXTENSION_DIR=' + extdir], capture_output=True, text=True, env=env)
        ctx.require(out.returncode == 0, 'make install: %s %s' % (out.stdout[-2000:], out.stderr[-2000:]))
        ctx.figure('make install PREFIX=%s: %.1f s' % (prefix, time.monotonic() - t0))
        for rel in ('lib/libpet_migrate.so', 'bin/pet-migrate', 'include/pet_migrate.h', 'share/man/man1/pet-migrate.1.gz',
                    'share/doc/pet-migrate/README.md', 'share/pet-migrate/pet_migrate.ini', 'lib/pkgconfig/pet-migrate.pc'):
            ctx.check(os.path.isfile(os.path.join(prefix, rel)), 'installed %s' % rel)
        ctx.contains(readelf(os.path.join(extdir, 'pet_migrate.so')), 'Library runpath: [%s/lib]' % prefix, 'RUNPATH')

        version = engine_version()
        program = os.path.join(tmp, 'abi.c')
        with open(program, 'w') as f:
            f.write('#include <stdio.h>\n#include <pet_migrate.h>\n'
                    'int main(void) { puts(pet_migrate_version()); return 0; }\n')
        flags = subprocess.run(['pkg-config', '--cflags', '--libs', 'pet-migrate'], capture_output=True, text=True,
                               env=dict(env, PKG_CONFIG_PATH=os.path.join(prefix, 'lib', 'pkgconfig')))
        ctx.require(flags.returncode == 0, 'pkg-config pet-migrate: %s' % flags.stderr)
        built = subprocess.run(['cc', '-o', os.path.join(tmp, 'abi'), program] + flags.stdout.split(),
                               capture_output=True, text=True)
        ctx.require(built.returncode == 0, 'a C program builds against the installed header: %s' % built.stderr)
        ran = subprocess.run([os.path.join(tmp, 'abi')], capture_output=True, text=True, env=env)
        ctx.equal(ran.stdout.strip(), version, 'the C program calls the installed engine')

        probe = ('echo pet_migrate_version(), "|"; foreach ( file( "/proc/self/maps" ) as $l ) { '
                 'if ( str_contains( $l, "libpet_migrate" ) ) { echo trim( substr( $l, strrpos( $l, " " ) ) ); break; } }')
        php = subprocess.run(['php', '-n', '-d', 'extension=' + os.path.join(extdir, 'pet_migrate.so'), '-r', probe],
                             capture_output=True, text=True, env=env)
        ctx.equal(php.stdout.split('|')[0] if php.returncode == 0 else php.stderr, version, 'PHP loads the installed extension')
        ctx.equal(php.stdout.split('|')[-1], os.path.join(prefix, 'lib', 'libpet_migrate.so'), 'the engine PHP mapped')
        scan = os.path.join(tmp, 'conf.d')
        os.makedirs(scan)
        shutil.copy(os.path.join(prefix, 'share', 'pet-migrate', 'pet_migrate.ini'), scan)
        php = subprocess.run(['php', '-r', 'echo pet_migrate_version();'],
                             capture_output=True, text=True, env=dict(env, PHP_INI_SCAN_DIR=scan))
        ctx.equal((php.stdout, php.stderr.strip()), (version, ''), 'the installed ini loads the extension (by its path outside PHP\'s extension directory)')

        cli = os.path.join(prefix, 'bin', 'pet-migrate')
        lint = subprocess.run([cli, 'lint', '--migrations', os.path.join(harness.PLUGIN_SOURCE, 'migrations')],
                              capture_output=True, text=True, env=env)
        ctx.equal(lint.returncode, 0, 'installed pet-migrate lint: %s' % lint.stdout[-500:])
        man = subprocess.run(['man', '-l', os.path.join(prefix, 'share', 'man', 'man1', 'pet-migrate.1.gz')],
                             capture_output=True, text=True, env=dict(env, MANWIDTH='200', MAN_KEEP_FORMATTING='0'))
        ctx.require(man.returncode == 0, 'the man page renders: %s' % man.stderr)
        page = re.sub(r'.\x08', '', man.stdout)

    # The man page follows the command: every subcommand and option it has is documented.
    helptext = subprocess.run([CLI, '--help'], capture_output=True, text=True).stdout
    commands = re.findall(r'(?m)^  ([a-z-]+) {2,}', helptext.split('SUBCOMMANDS:', 1)[-1])
    ctx.check(commands, 'pet-migrate --help lists subcommands')
    options = set()
    for command in commands:
        sub = subprocess.run([CLI, command, '--help'], capture_output=True, text=True).stdout
        options.update(re.findall(r'(?m)^  (--[a-z-]+)', sub))
        ctx.check(re.search(r'(?m)^ {7}%s\b' % re.escape(command), page), 'man page documents the command %s' % command)
    for option in sorted(options - {'--help', '--version'}):
        ctx.contains(page, option, 'man page documents %s' % option)
    ctx.figure('man page: %d commands (%s), %d options' % (len(commands), ', '.join(commands), len(options)))


# --------------------------------------------------------------------------- the real stack


def php_in_site(site, code, **kw):
    """PHP inside the site, with whatever extension PHP's own ini files load (the package's)."""
    return site.php(code, with_extension=False, **kw)


def state(site):
    return php_in_site(site, "return get_option( 'pet_migrate_state' );")


def app_password(site, login):
    pw = php_in_site(site, "$u = get_user_by( 'login', %s ); list( $pw ) = WP_Application_Passwords::create_new_application_password("
                           "$u->ID, array( 'name' => 'pet-server-tests' ) ); return $pw;" % harness.php_str(login))
    return 'Basic ' + base64.b64encode(('%s:%s' % (login, pw)).encode()).decode()


def started_events(site, version):
    return [e for e in site.events() if version in e and 'started' in e]


def module_diff(before, after):
    added = sorted(set(after) - set(before))
    removed = sorted(set(before) - set(after))
    return ('+' + ', +'.join(added) if added else '') + ('-' + ', -'.join(removed) if removed else '') or 'no change'


def is_pet_503(response):
    """PET's own 503: its JSON code, and Retry-After only while a migration runs (in maintenance
    nothing changes until an administrator acts, so no retry time is promised)."""
    if response.status != 503:
        return False
    try:
        code = response.json().get('code')
    except ValueError:
        return False
    if code == 'pet_migrating':
        return bool(response.headers.get('Retry-After'))
    return code == 'pet_maintenance' and not response.headers.get('Retry-After')


def upload_and_activate_in_browser(ctx, site, zip_path):
    """wp-admin → Plugins → Add New → Upload Plugin → Install Now → Activate Plugin."""
    from selenium.webdriver.common.by import By
    driver = test_browser.browser()
    try:
        t0 = time.monotonic()
        test_browser.login(driver, site, 'admin', harness.ADMIN_PASSWORD)
        driver.get(site.url + '/wp-admin/plugin-install.php?tab=upload')
        field = driver.find_element(By.ID, 'pluginzip')
        if not field.is_displayed():
            driver.find_element(By.CSS_SELECTOR, '.upload-view-toggle').click()
            test_browser.wait_for(field.is_displayed, 5)
        field.send_keys(zip_path)
        driver.find_element(By.ID, 'install-plugin-submit').click()
        ctx.require(test_browser.wait_for(lambda: 'Plugin installed successfully' in test_browser.body_text(driver), 60),
                    'WordPress installed the uploaded zip: %s' % test_browser.body_text(driver)[:600])
        driver.find_element(By.CSS_SELECTOR, 'a.button-primary[href*="action=activate"]').click()
        ctx.require(test_browser.wait_for(lambda: 'Plugin activated.' in test_browser.body_text(driver), 60),
                    'WordPress activated PET: %s' % test_browser.body_text(driver)[:600])
        text = test_browser.body_text(driver)
        ctx.absent(text, 'PET was not activated', 'no halted-activation notice')
        ctx.check(driver.find_elements(By.CSS_SELECTOR, 'tr.active[data-plugin="pet/pet.php"]'), 'PET row shown active')
        ctx.figure('browser: login, upload %s, install, activate: %.1f s' % (os.path.basename(zip_path), time.monotonic() - t0))
        test_browser.screenshot(driver, ctx, 'server-nginx-fpm-plugin-uploaded-activated.png')
    finally:
        driver.quit()


def measure_worker(ctx, site, workdir, port, scan_dir):
    """One FPM with a single worker that is recycled after 12 requests: its memory idle and after
    11 requests, the latency of its first request (cold OPcache), of later ones, and of the first
    request of its fresh successor (warm OPcache)."""
    fpm = stack.Fpm(workdir, port, workers=1, max_requests=12, scan_dir=scan_dir).start()
    try:
        worker = fpm.worker_pids()[0]
        idle = stack.memory(worker)
        client = harness.Client(site)
        timings = []
        engines = set()
        for _ in range(13):
            t0 = time.monotonic()
            resp = client.get('/')
            timings.append(time.monotonic() - t0)
            engines.add(resp.headers.get('X-Pet-Engine'))
            ctx.check(resp.status == 200, 'figure request served (%d)' % resp.status)
            if len(timings) == 11:
                busy = stack.memory(worker)
                mapped = stack.maps_library(worker, 'libpet_migrate.so')
        return {'idle_rss': idle[0], 'rss': busy[0], 'pss': busy[1], 'first': timings[0],
                'steady': statistics.median(timings[1:11]), 'fresh_warm': timings[12], 'engine': engines, 'mapped': mapped}
    finally:
        fpm.stop()


@test()  # the freshly built extension too: the other suites' isolation from the package is checked
def test_wordpress_on_nginx_fpm_with_the_package(ctx):
    """The package installed with apt-get; WordPress under Debian's nginx and php8.2-fpm with the
    extension from the package's ini; PET uploaded as a zip and activated in wp-admin by a
    browser; a failing upgrade and its recovery; 16 concurrent requests right after a deployment;
    FPM reloads while idle and while a request runs; the package removed (the site stays up and
    tells the administrator the engine is missing) and reinstalled; finally purged."""
    deb = stack.package_file()
    zip_path = stack.plugin_zip()
    version = engine_version()
    ctx.require(os.path.exists(stack.PHP_FPM) and os.path.exists(stack.NGINX), 'php-fpm8.2 and nginx installed')
    ctx.require(stack.package_status() != 'install ok installed', 'the pet-migrate package is not installed before the test')
    modules = {'before install': stack.fpm_modules()}
    ctx.require('pet_migrate' not in modules['before install'], 'php-fpm8.2 -m has no pet_migrate before the install')

    site = ctx.site()
    shutil.rmtree(site.plugin_dir)  # PET arrives as the zip, through wp-admin
    stack.add_server_helpers(site)
    workdir = os.path.join(ctx.workdir, 'stack-' + ctx.name)
    fpm_port = harness.free_port()
    fpm = nginx = None
    try:
        _, seconds = stack.install_package(deb)
        ctx.figure('apt-get install %s: %.1f s' % (os.path.relpath(deb, harness.REPO), seconds))
        ctx.equal(stack.package_status(), 'install ok installed', 'package installed')
        modules['after install'] = stack.fpm_modules()
        ctx.require('pet_migrate' in modules['after install'], 'php-fpm8.2 -m lists pet_migrate after the install')
        for sapi in ('fpm', 'cli'):
            link = '/etc/php/%s/%s/conf.d/20-pet_migrate.ini' % (stack.PHP_VERSION, sapi)
            ctx.equal(os.path.realpath(link) if os.path.islink(link) else None,
                      '%s/pet_migrate.ini' % stack.MODS_AVAILABLE, 'phpenmod linked the ini for %s' % sapi)
        ri = stack.run(['php', '--ri', 'pet_migrate'], env=stack.system_env()).stdout
        ctx.contains(ri, 'Engine version => %s' % version, 'php --ri pet_migrate')
        ctx.contains(ri, '/usr/lib/%s/pet-migrate/libpet_migrate.so' % multiarch(), 'php --ri names the packaged engine')
        ctx.equal(stack.run(['/usr/bin/pet-migrate', '--version']).stdout.strip(), version, '/usr/bin/pet-migrate --version')
        ctx.equal(stack.run(['/usr/bin/pet-migrate', 'lint', '--migrations', os.path.join(harness.PLUGIN_SOURCE, 'migrations')],
                            check=False).returncode, 0, 'packaged pet-migrate lint')
        ctx.equal(stack.run(['man', '-w', 'pet-migrate'], check=False).stdout.strip(), '/usr/share/man/man1/pet-migrate.1.gz',
                  'man pet-migrate')
        # The other suites load the freshly built extension with -d extension=…: with the package
        # installed they run PHP with a scan directory without the package's ini (no double load).
        isolate = stack.run([os.path.join(harness.REPO, 'scripts', 'php-ini-isolate.sh')], env=stack.system_env())
        scan = re.search(r'PHP_INI_SCAN_DIR=(\S+)', isolate.stdout)
        ctx.require(scan, 'php-ini-isolate.sh offers a scan directory while the package is installed')
        probe = subprocess.run(['php', '-d', 'extension=' + harness.EXTENSION, '-r',
                                'foreach ( file( "/proc/self/maps" ) as $l ) { if ( str_contains( $l, "libpet_migrate" ) ) '
                                '{ echo trim( substr( $l, strrpos( $l, " " ) ) ); break; } }'],
                               capture_output=True, text=True, env=stack.system_env(PHP_INI_SCAN_DIR=scan.group(1)))
        ctx.equal((probe.stdout, probe.stderr.strip()), (os.path.realpath(os.path.join(harness.REPO, '.build', 'release', 'libpet_migrate.so')), ''),
                  'with it, -d extension= loads the build under test, without a warning')

        fpm = stack.Fpm(workdir, fpm_port, workers=4).start()
        nginx = stack.Nginx(workdir, site, fpm_port).start()
        front = harness.Client(site).get('/')
        ctx.require(front.status == 200, 'nginx + php-fpm serve WordPress (%d)' % front.status)
        ctx.equal(front.headers.get('X-Pet-Engine'), version, 'an FPM worker has the engine, from the package ini')
        ctx.check('nginx' in (front.headers.get('Server') or ''), 'served by nginx')

        # -- PET from the zip, through wp-admin, in a browser.
        upload_and_activate_in_browser(ctx, site, zip_path)
        ctx.require(site.is_active(), 'PET is active')
        ctx.equal([r[0] for r in site.registry()], [BUNDLED], 'activation through FPM applied the bundled migration')
        with zipfile.ZipFile(zip_path) as z:
            shipped = sorted(n[len('pet/'):] for n in z.namelist() if not n.endswith('/'))
        installed = sorted(os.path.relpath(os.path.join(r, n), site.plugin_dir) for r, _, fs in os.walk(site.plugin_dir) for n in fs)
        ctx.equal(installed, shipped, 'the installed plugin is the zip')
        subscriber = app_password(site, 'subscriber')
        anon = harness.Client(site)
        ctx.equal(anon.get('/wp-json/pet/v1/projects', headers={'Authorization': subscriber}).status, 200, 'PET open')

        # -- A failing upgrade and its recovery, through FPM.
        before = site.snapshot()
        site.add_migration(BROKEN_FIXTURE)
        ctx.equal(anon.get('/').status, 200, 'the request that finds the failing upgrade is served')
        site.wait_for_background()  # a background request (the loopback) runs it
        gated = anon.get('/wp-json/pet/v1/projects', headers={'Authorization': subscriber})
        ctx.check(is_pet_503(gated), "PET's REST route answers PET's 503 in maintenance (%d)" % gated.status)
        ctx.equal(anon.get('/sample-page/').status, 200, 'the rest of the site works')
        ctx.equal(state(site)['mode'], 'maintenance', 'maintenance')
        ctx.equal(harness.snapshot_diff(before, site.snapshot()), [], 'database as before the failed upgrade')
        admin = harness.Client(site).login('admin', harness.ADMIN_PASSWORD)
        notice = harness.notice_text(admin.get('/wp-admin/profile.php'))
        ctx.contains(notice, BROKEN, 'the notice names the failed migration')
        ctx.contains(notice, 'pet_no_such_table', 'the notice names the cause')
        site.remove_migration(BROKEN_FIXTURE)  # the fixing deployment
        ctx.equal(anon.get('/').status, 200, 'the request after the fix is served')
        site.wait_for_background()
        ctx.equal(anon.get('/wp-json/pet/v1/projects', headers={'Authorization': subscriber}).status, 200, 'PET open again')
        ctx.equal(state(site)['mode'], 'ready', 'ready again')
        ctx.equal([r[0] for r in site.registry()], [BUNDLED], 'registry after the recovery')

        # -- 16 concurrent requests across the FPM workers right after a deployment.
        site.add_migration(UPGRADE_FIXTURE)
        paths = ['/?burst=%d' % i for i in range(12)] + ['/wp-json/pet/v1/projects?burst=%d' % i for i in range(4)]
        t0 = time.monotonic()
        with concurrent.futures.ThreadPoolExecutor(16) as pool:
            burst = list(pool.map(lambda p: harness.Client(site).get(p, headers={'Authorization': subscriber}), paths))
        wall = time.monotonic() - t0
        bad = ['%s: %d' % (p, r.status) for p, r in zip(paths, burst) if not (r.status == 200 or is_pet_503(r))]
        ctx.equal(bad, [], "responses other than 200 or PET's 503")
        workers = {r.headers.get('X-Pet-Worker') for r in burst if r.headers.get('X-Pet-Worker')}
        ctx.check(len(workers) >= 2, 'the burst was served by several FPM workers (%s)' % sorted(workers))
        site.wait_for_background()
        ctx.equal([r[0] for r in site.registry()], [BUNDLED, UPGRADE], 'registry after the burst')
        ctx.equal(len(started_events(site, UPGRADE)), 1, 'the upgrade ran exactly once ("started" events)')
        ctx.equal(state(site)['mode'], 'ready', 'ready after the burst')
        ctx.figure('burst of 16 right after a deployment: %s in %.2f s, %d FPM workers, migration applied once' % (
            ', '.join('%dx %d' % (sum(1 for r in burst if r.status == s), s) for s in sorted({r.status for r in burst})),
            wall, len(workers)))

        # -- FPM reload while idle.
        master = fpm.proc.pid
        old = fpm.worker_pids()
        fpm.reload()
        new = fpm.wait_workers(exclude=old)
        resp = harness.Client(site).get('/')
        ctx.equal(resp.status, 200, 'served after an idle reload')
        ctx.check(resp.headers.get('X-Pet-Worker') in {str(p) for p in new}, 'by a new worker')
        ctx.equal(resp.headers.get('X-Pet-Engine'), version, 'the new workers have the engine')
        ctx.check(fpm.proc.poll() is None and fpm.proc.pid == master, 'the master re-executed in place')

        # -- FPM reload while a request runs (process_control_timeout lets it finish).
        old = fpm.worker_pids()
        with concurrent.futures.ThreadPoolExecutor(4) as pool:
            slow = pool.submit(lambda: harness.Client(site).get('/pet-slow.php?ms=3000'))
            time.sleep(0.8)
            t0 = time.monotonic()
            fpm.reload()
            during = [pool.submit(lambda i=i: harness.Client(site).get('/?during=%d' % i)) for i in range(3)]
            slow = slow.result()
            during = [f.result() for f in during]
        ctx.equal((slow.status, slow.body), (200, 'engine ' + version), 'the request running during the reload finished')
        ctx.check(int(slow.headers.get('X-Pet-Elapsed-Ms') or 0) >= 3000, 'it ran its full 3 s (%s ms)' % slow.headers.get('X-Pet-Elapsed-Ms'))
        ctx.check(slow.headers.get('X-Pet-Worker') in {str(p) for p in old}, 'in an old worker')
        ctx.equal([r.status for r in during], [200, 200, 200], 'requests sent during the reload')
        fpm.wait_workers(exclude=old)
        ctx.figure('reload while a 3 s request ran: it ended 200 %.1f s after the signal; 3 requests sent meanwhile: 200' % (
            time.monotonic() - t0))
        ctx.equal(stack.php_warnings(fpm.log_text()), [], 'FPM and PHP logs: module or worker trouble')

        # -- Figures: one worker with and without the extension, alternately.
        fpm.stop()
        without = stack.conf_d_without_pet(workdir)
        rounds = {'with': [], 'without': []}
        for _ in range(3):
            for label, scan in (('with', None), ('without', without)):
                rounds[label].append(measure_worker(ctx, site, workdir, fpm_port, scan))
        ctx.equal(set().union(*(r['engine'] for r in rounds['with'])), {version}, 'figure runs with the engine')
        ctx.equal(set().union(*(r['engine'] for r in rounds['without'])), {'missing'}, 'figure runs without it')
        ctx.check(all(r['mapped'] for r in rounds['with']) and not any(r['mapped'] for r in rounds['without']),
                  'libpet_migrate.so mapped exactly in the runs with the extension')
        med = {label: {k: statistics.median(r[k] for r in runs) for k in ('idle_rss', 'rss', 'pss', 'first', 'steady', 'fresh_warm')}
               for label, runs in rounds.items()}
        for key, what in (('idle_rss', 'RSS of an idle fresh worker'), ('rss', 'RSS after 11 requests'),
                          ('pss', 'PSS after 11 requests')):
            ctx.figure('per FPM worker, %s: with the extension %.1f MB, without %.1f MB (%+.1f MB)' % (
                what, med['with'][key] / 1024, med['without'][key] / 1024, (med['with'][key] - med['without'][key]) / 1024))
        for key, what in (('first', 'first request of a fresh worker after FPM start (cold OPcache)'),
                          ('fresh_warm', 'first request of a recycled fresh worker (warm OPcache)'),
                          ('steady', 'later requests (median)')):
            ctx.figure('front page, %s: with %.0f ms, without %.0f ms (median of rounds: with %s, without %s)' % (
                what, med['with'][key] * 1000, med['without'][key] * 1000,
                '/'.join('%.0f' % (r[key] * 1000) for r in rounds['with']),
                '/'.join('%.0f' % (r[key] * 1000) for r in rounds['without'])))
        fpm = stack.Fpm(workdir, fpm_port, workers=4).start()

        # -- The package removed: the site stays up and the administrator is told.
        _, seconds = stack.remove_package()
        ctx.figure('apt-get remove pet-migrate: %.1f s' % seconds)
        modules['after removal'] = stack.fpm_modules()
        ctx.check('pet_migrate' not in modules['after removal'], 'php-fpm8.2 -m has no pet_migrate after the removal')
        ctx.check(not os.path.lexists('/etc/php/%s/fpm/conf.d/20-pet_migrate.ini' % stack.PHP_VERSION), 'phpdismod unlinked it')
        ctx.check(os.path.exists('%s/pet_migrate.ini' % stack.MODS_AVAILABLE), 'the ini (a conffile) stays until purge')
        ctx.equal(harness.Client(site).get('/').status, 200, 'running workers keep serving')
        old = fpm.worker_pids()
        fpm.reload()  # what the package's dpkg trigger asks systemd for
        fpm.wait_workers(exclude=old)
        resp = harness.Client(site).get('/')
        ctx.equal((resp.status, resp.headers.get('X-Pet-Engine')), (200, 'missing'), 'the site is up without the engine')
        # Without the engine PET cannot tell whether its schema matches its code: it pauses its
        # own features (never the site) and tells administrators why, until the engine is back.
        paused = anon.get('/wp-json/pet/v1/projects', headers={'Authorization': subscriber})
        ctx.check(is_pet_503(paused), "PET's features pause without the engine (%d)" % paused.status)
        admin = harness.Client(site).login('admin', harness.ADMIN_PASSWORD)
        page = admin.get('/wp-admin/profile.php')
        ctx.equal(page.status, 200, 'wp-admin up')
        ctx.contains(harness.notice_text(page), 'pet_migrate', 'the notice names the extension')
        ctx.contains(harness.notice_text(page), 'not loaded', 'the notice says it is not loaded')
        sub = harness.Client(site).login('subscriber', harness.SUBSCRIBER_PASSWORD).get('/wp-admin/profile.php')
        ctx.absent(harness.notice_text(sub), 'pet_migrate', 'a subscriber sees no engine notice')
        ctx.equal(stack.php_warnings(fpm.log_text()), [], 'no PHP warning about a missing module')

        # -- Reinstalled: the engine is back and migrates the next deployment.
        _, seconds = stack.install_package(deb)
        modules['after reinstall'] = stack.fpm_modules()
        ctx.check('pet_migrate' in modules['after reinstall'], 'php-fpm8.2 -m lists pet_migrate after the reinstall')
        old = fpm.worker_pids()
        fpm.reload()
        fpm.wait_workers(exclude=old)
        resp = harness.Client(site).get('/')
        ctx.equal((resp.status, resp.headers.get('X-Pet-Engine')), (200, version), 'the engine is back')
        ctx.absent(admin.get('/wp-admin/profile.php').body, 'pet-migrate-engine-missing', 'the notice is gone')
        site.add_migration(OWNER_FIXTURE)
        ctx.equal(harness.Client(site).get('/').status, 200, 'the request after the next deployment')
        site.wait_for_background()
        ctx.equal([r[0] for r in site.registry()], [BUNDLED, UPGRADE, OWNER], 'the next deployment was migrated')
        ctx.equal(stack.php_warnings(fpm.log_text()), [], 'FPM and PHP logs at the end')
        no_password = site.db.password
        for path in (fpm.log, fpm.php_errors, nginx.error_log):
            if os.path.exists(path):
                with open(path, errors='replace') as f:
                    ctx.absent(f.read(), no_password, 'the database password in %s' % os.path.basename(path))
    finally:
        for server in (nginx, fpm):
            if server:
                server.stop()
        if stack.package_status() not in ('unknown', 'unknown ok not-installed'):
            _, seconds = stack.remove_package(purge=True)
            ctx.figure('apt-get purge pet-migrate: %.1f s' % seconds)
    modules['after purge'] = stack.fpm_modules()
    ctx.check('pet_migrate' not in modules['after purge'], 'php-fpm8.2 -m has no pet_migrate after the purge')
    leftovers = [p for p in glob_all('/etc/php/*/*/conf.d/*pet_migrate*', '/etc/php/*/mods-available/pet_migrate.ini*',
                                     '/var/lib/php/modules/*/*/*/pet_migrate', '/usr/lib/php/*/pet_migrate.so')]
    ctx.equal(leftovers, [], 'nothing of the package left after the purge')
    ctx.figure('php-fpm8.2 -m before install: %s' % ', '.join(modules['before install']))
    for when in ('after install', 'after removal', 'after reinstall', 'after purge'):
        if when in modules:
            ctx.figure('php-fpm8.2 -m %s: %s (pet_migrate %s)' % (when, module_diff(modules['before install'], modules[when]),
                                                                  'listed' if 'pet_migrate' in modules[when] else 'absent'))


@test()
def test_fpm_request_timeout_shorter_than_the_migration(ctx):
    """Under nginx and php-fpm with request_terminate_timeout at 3 s (PHP's own limit stays 30 s,
    so PHP cannot see FPM's), deployments whose data work takes longer than that: the visitor
    who finds one is answered at once and every front-end request meanwhile is served (no 502).
    With FPM's defaults the slices finish their HTTP request first (wp-cron.php and PET's
    loopback both do), so FPM does not kill them; with request_terminate_timeout_track_finished
    it does, each killed slice halves the next slices' budget, and the work still completes,
    exactly. WP-Cron on; the freshly built extension, loaded by FPM's own conf.d."""
    rows = int(os.environ.get('PET_FPM_ROWS', '1000000'))
    ctx.require(os.path.exists(stack.PHP_FPM) and os.path.exists(stack.NGINX), 'php-fpm8.2 and nginx installed')
    site = ctx.site(wp_cron=True)
    stack.add_server_helpers(site)
    bg.deploy(site, bg.ORDERS_FILE, bg.ORDERS_MIGRATION, settle=False)
    ctx.require(site.activate() is None, 'activation')
    bg.fill_orders(site, rows)
    workdir = os.path.join(ctx.workdir, 'stack-' + ctx.name)
    scan = stack.conf_d_without_pet(workdir, extension=harness.EXTENSION)
    fpm_port = harness.free_port()
    nginx = stack.Nginx(workdir, site, fpm_port).start()
    anon = harness.Client(site)

    def phase(label, file_name, migration, track_finished, done):
        fpm = stack.Fpm(workdir, fpm_port, workers=4, scan_dir=scan, terminate_timeout='3s', track_finished=track_finished).start()
        kills = lambda: re.findall(r'script \'([^\']+)\' \(request: "(\w+) ([^"]+)"\) execution timed out', fpm.log_text())
        earlier = len(kills())  # The pool's log outlives a phase.
        try:
            quiet = [bg.timed_get(anon, '/')[1] for _ in range(10)]
            bg.deploy(site, file_name, migration)
            first, first_ms = bg.timed_get(anon, '/')
            ctx.equal(first.status, 200, '%s: the request that found the deployment' % label)
            t0 = time.monotonic()
            statuses = []
            while time.monotonic() - t0 < 300:
                statuses.append(anon.get('/?n=%d' % len(statuses)).status)
                if 's:4:"mode";s:5:"ready"' in site.state_text() and 's:6:"result";i:0;' in site.state_text():
                    break
                time.sleep(0.2)
            took = time.monotonic() - t0
            ctx.require('s:4:"mode";s:5:"ready"' in site.state_text(), '%s: the work completed (%s)' % (label, site.state_text()[:300]))
            ctx.check(done(), '%s: the data is exactly as the migration says' % label)
            ctx.equal(sorted(set(statuses)), [200], '%s: every front-end request served (no 502 from a killed worker)' % label)
            killed = kills()[earlier:]
            ctx.equal([uri for _, _, uri in killed if not re.search(r'wp-cron\.php|admin-ajax\.php', uri)], [],
                      '%s: FPM killed only background slices, never a visitor request' % label)
            runner = site.php("return get_option( 'pet_migrate_runner' );")
            ctx.figure('%s: request that found the deployment %.0f ms (ordinary p50 %.0f ms); done in %.1f s; %d front-end '
                       'requests, all 200; %d slices killed by FPM; runner %r' % (
                           label, first_ms, statistics.median(quiet), took, len(statuses), len(killed),
                           {k: runner[k] for k in ('slices', 'origins', 'killed', 'cap_ms', 'budget_ms')}))
            return killed, runner
        finally:
            fpm.stop()

    try:
        killed, runner = phase('FPM defaults', bg.CENTS_FILE, bg.CENTS_MIGRATION, False,
                               lambda: bg.backfill_mismatches(site) == 0)
        ctx.equal((len(killed), runner['killed']), (0, 0), 'FPM defaults: no slice killed (each finished its request first)')
        copied = lambda: site.db.scalar('SELECT COUNT(*) FROM wp_pet_orders_v2', site.database) == str(rows) and \
            site.db.scalar("SELECT COUNT(*) FROM wp_pet_orders o JOIN wp_pet_orders_v2 n ON n.id = o.id "
                           "WHERE n.cents = ROUND(o.total * 100) AND n.state = UPPER(o.status)", site.database) == str(rows)
        killed, runner = phase('track_finished', bg.V2_FILE, bg.V2_MIGRATION, True, copied)
        ctx.check(killed and runner['killed'] >= 1, 'track_finished: FPM killed slices (else this phase proves nothing)')
        ctx.check(0 < runner['cap_ms'] <= 5000, 'track_finished: a killed slice halved the next budget (cap %d ms)' % runner['cap_ms'])
        # A schema migration longer than the limit: it cannot be cut into slices, so the request
        # running it must have answered before it starts (as PET's loopback and wp-cron.php do).
        indexes = [['total', 'status'], ['status', 'total'], ['status', 'id'], ['total', 'id']]
        schema = {'description': 'Four indexes on a million orders: one migration longer than the limit.',
                  'steps': [{'op': 'add_index', 'table': 'pet_orders', 'index': {'name': '_'.join(cols), 'columns': cols}}
                            for cols in indexes]}
        version = '2026_04_04_0001'
        index_names = lambda: sorted(r[0] for r in site.db.rows(
            "SELECT DISTINCT index_name FROM information_schema.statistics WHERE table_schema = '%s' "
            "AND table_name = 'wp_pet_orders' AND index_name <> 'PRIMARY'" % site.database, site.database))
        killed, runner = phase('schema, FPM defaults', version + '_order_indexes.json', schema, False,
                               lambda: index_names() == sorted('_'.join(cols) for cols in indexes))
        ctx.equal(killed, [], 'schema, FPM defaults: FPM killed no request (the run started after its request answered)')
        runs = [row[2] for row in site.events() if row[3] == version and row[2] != 'progress']
        ctx.figure('schema, FPM defaults: events of the migration %s' % runs)
        ctx.equal(runs, ['started', 'completed'], 'schema, FPM defaults: one run, never undone and started again')

        # The same kind of migration with request_terminate_timeout_track_finished: FPM kills
        # every request that runs it, whatever it answered. After three kills in a row the
        # background backs off (one attempt per 10 minutes), PET stays closed, the administrator
        # is told why and what to do, and WP-CLI (no web server limit) finishes the work.
        more = [['id', 'total'], ['id', 'status'], ['total', 'status', 'id'], ['status', 'total', 'id']]
        version = '2026_04_05_0001'
        fpm = stack.Fpm(workdir, fpm_port, workers=4, scan_dir=scan, terminate_timeout='3s', track_finished=True).start()
        try:
            killed_before = len(re.findall(r'execution timed out', fpm.log_text()))
            bg.deploy(site, version + '_more_indexes.json', {
                'description': 'Four more indexes: a migration the server never lets finish.',
                'steps': [{'op': 'add_index', 'table': 'pet_orders', 'index': {'name': 'i_' + '_'.join(cols), 'columns': cols}}
                          for cols in more]})
            t0 = time.monotonic()
            statuses = []
            runner = {}
            while time.monotonic() - t0 < 240:
                statuses.append(anon.get('/?k=%d' % len(statuses)).status)
                runner = bg.runner_option(site)
                if runner.get('kills_in_a_row', 0) >= 3:
                    break
                time.sleep(0.3)
            took = time.monotonic() - t0
            ctx.require(runner.get('kills_in_a_row', 0) >= 3, 'track_finished schema: three slices killed in a row (%r)' % runner)
            ctx.equal(sorted(set(statuses)), [200], 'track_finished schema: every front-end request served')
            sub_auth = app_password(site, 'subscriber')
            gated = anon.get('/wp-json/pet/v1/projects', headers={'Authorization': sub_auth})
            ctx.equal(gated.status, 503, "track_finished schema: PET's routes stay closed while the migration cannot finish")
            status = anon.get('/wp-json/pet/v1/migrations/status', headers={'Authorization': app_password(site, 'admin')}).json()
            ctx.equal((status['runner']['stalled'] or {}).get('reason'), 'killed', 'track_finished schema: the status route says the server kills the slices')
            admin = harness.Client(site).login('admin', harness.ADMIN_PASSWORD)
            page = admin.get('/wp-admin/')
            ctx.equal(page.status, 200, 'track_finished schema: an admin page does not run it inline (FPM would kill it)')
            ctx.check('stopped the last 3 background requests' in page.text() and 'wp pet migrate resume' in page.text(),
                      "track_finished schema: the administrator's notice says what happened and what to do")
            screen = admin.get('/wp-admin/tools.php?page=pet-migrations')
            ctx.check('stopped the last 3 background requests' in screen.text(), 'track_finished schema: the operator screen says it too')
            started = runner['started_at']
            for _ in range(17):  # Past the 15 s after which any request would restart the slices.
                anon.get('/')
                time.sleep(1)
            ctx.equal(bg.runner_option(site)['started_at'], started, 'track_finished schema: no attempt during the back-off')
            kills = len(re.findall(r'execution timed out', fpm.log_text())) - killed_before
            ctx.figure('track_finished schema: %d requests killed by FPM in %.1f s, then the back-off; %d front-end requests, all 200'
                       % (kills, took, len(statuses)))
        finally:
            fpm.stop()
        code, out = bg.wp(site, 'resume')
        ctx.equal(code, 0, 'track_finished schema: wp pet migrate resume finishes it: %s' % out[-500:])
        ctx.equal(sorted(n for n in index_names() if n.startswith('i_')), sorted('i_' + '_'.join(cols) for cols in more),
                  'track_finished schema: every index of the migration exists')
        ctx.equal(site.registry()[-1][0], version, 'track_finished schema: the migration is recorded as applied')
        ctx.check(bg.runner_option(site)['kills_in_a_row'] == 0 and 's:4:"mode";s:5:"ready"' in site.state_text(),
                  'track_finished schema: ready, the kills forgotten')
        runs = [row[2] for row in site.events() if row[3] == version and row[2] != 'progress']
        ctx.figure('track_finished schema: events of the migration %s' % runs)
        ctx.equal(runs[-1], 'completed', 'track_finished schema: completed last')
    finally:
        nginx.stop()
    clean_debug_log(ctx, site)


def glob_all(*patterns):
    found = []
    for pattern in patterns:
        found += glob.glob(pattern)
    return sorted(found)
