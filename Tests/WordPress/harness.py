"""Test harness for PET inside a real WordPress.

Builds throwaway WordPress sites from Debian's `wordpress` package (/usr/share/wordpress),
each in its own directory with its own wp-config.php and its own MariaDB database on the
private test server (scripts/mariadb-test-server.sh), installs them with wp_install(),
serves them with `php -S` and a router, and talks to them over HTTP like a browser would.

Nothing here fakes WordPress, PHP, the extension or the database.
"""

import http.cookiejar
import json
import os
import shlex
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, '..', '..'))
WORDPRESS_SOURCE = os.environ.get('PET_WP_SOURCE', '/usr/share/wordpress')
EXTENSION = os.environ.get('PET_EXTENSION', os.path.join(REPO, 'bridge', 'modules', 'pet_migrate.so'))
PHP = os.environ.get('PET_PHP', 'php')
# PET_PLUGIN_SOURCE runs the suite against another copy of the plugin (e.g. an older commit's
# php/, to show a new test failing there first).
PLUGIN_SOURCE = os.environ.get('PET_PLUGIN_SOURCE', os.path.join(REPO, 'php'))
FIXTURES = os.path.join(HERE, 'fixtures')
PHP_HELPERS = os.path.join(HERE, 'php')
ARTIFACTS = os.path.join(REPO, 'artifacts')

RUN_ID = os.urandom(3).hex()


def _php_conf_without_system_pet():
    """Every PHP this suite starts reads PHP's conf.d minus an ini that loads a pet_migrate
    extension installed system-wide (the Debian package enables one): it would be loaded before
    the extension under test (-d extension=…), which would then be ignored."""
    out = subprocess.run([os.path.join(REPO, 'scripts', 'php-ini-isolate.sh')], capture_output=True, text=True)
    for word in shlex.split(out.stdout) if out.returncode == 0 else []:
        if word.startswith('PHP_INI_SCAN_DIR='):
            os.environ['PHP_INI_SCAN_DIR'] = word.split('=', 1)[1]


_php_conf_without_system_pet()
ADMIN_PASSWORD = 'admin-test-password-1'
SUBSCRIBER_PASSWORD = 'subscriber-test-password-1'


class HarnessError(Exception):
    pass


def extension_available():
    return os.path.isfile(EXTENSION)


def php_args(with_extension=True):
    """php plus the ini settings every test process uses."""
    args = [PHP, '-d', 'display_errors=stderr', '-d', 'memory_limit=512M']
    if with_extension:
        if not extension_available():
            raise HarnessError('the PHP extension is not built: %s' % EXTENSION)
        args += ['-d', 'extension=' + EXTENSION]
    return args


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


# --------------------------------------------------------------------------- database

class MariaDB:
    """The private test server, reached with the `mariadb` client (password via MYSQL_PWD)."""

    def __init__(self):
        missing = [v for v in ('PET_TEST_MARIADB_HOST', 'PET_TEST_MARIADB_PORT', 'PET_TEST_MARIADB_USER',
                               'PET_TEST_MARIADB_PASSWORD') if not os.environ.get(v)]
        if missing:
            raise HarnessError('MariaDB test server variables missing (%s); run: scripts/mariadb-test-server.sh start '
                               '&& eval "$(scripts/mariadb-test-server.sh env)"' % ', '.join(missing))
        self.host = os.environ['PET_TEST_MARIADB_HOST']
        self.port = int(os.environ['PET_TEST_MARIADB_PORT'])
        self.socket = os.environ.get('PET_TEST_MARIADB_SOCKET', '')
        self.user = os.environ['PET_TEST_MARIADB_USER']
        self.password = os.environ['PET_TEST_MARIADB_PASSWORD']

    def run(self, sql, database=None):
        cmd = ['mariadb', '--protocol=TCP', '-h', self.host, '-P', str(self.port), '-u', self.user,
               '--batch', '--skip-column-names']  # batch mode escapes tabs and newlines in values
        if database:
            cmd.append(database)
        env = dict(os.environ, MYSQL_PWD=self.password)
        for attempt in range(3):
            out = subprocess.run(cmd, input=sql, capture_output=True, text=True, env=env)
            # A busy machine can time a connection out (ERROR 2002/2003); that is no test result.
            if out.returncode == 0 or not re.search(r'ERROR 200[23] ', out.stderr):
                break
            time.sleep(1 + attempt)
        if out.returncode != 0:
            raise HarnessError('SQL failed: %s: %s' % (sql[:200], out.stderr.strip()))
        return out.stdout

    def rows(self, sql, database):
        text = self.run(sql, database)
        return [line.split('\t') for line in text.splitlines() if line != '']

    def scalar(self, sql, database):
        rows = self.rows(sql, database)
        return rows[0][0] if rows else None

    def create_database(self, name):
        self.run('DROP DATABASE IF EXISTS `%s`; CREATE DATABASE `%s` CHARACTER SET utf8mb4 '
                 'COLLATE utf8mb4_unicode_ci;' % (name, name))

    def drop_database(self, name):
        self.run('DROP DATABASE IF EXISTS `%s`;' % name)


# Tables whose rows legitimately change when a migration fails: the engine's own bookkeeping
# records the failure there (that is how the notice knows what happened).
BOOKKEEPING_SUFFIXES = ('pet_migration_state', 'pet_migration_events', 'pet_migration_journal', 'pet_migration_lock')
# Options WordPress or the plugin's state mirror change on any request; everything else must match.
VOLATILE_OPTIONS = re.compile(r'^_(site_)?transient_|^(cron|recently_activated|pet_migrate_state|pet_migrate_runner|pet_migrate_code|'
                              r'rewrite_rules|can_compress_scripts)$')
# PET's network-wide bookkeeping: the failure of a network activation, the walk over the sites,
# and the summary of the sites' states the network notice reads.
NETWORK_BOOKKEEPING = re.compile(r'^pet_migrate_network_(activation_failure|queue|summary)$')
# User meta that logging in and using application passwords change.
VOLATILE_USERMETA = ('session_tokens', '_application_passwords')


def snapshot(db, database):
    """Everything a failed migration must leave as it was: the schema of every table,
    the registry, the data of every table (CHECKSUM TABLE) and every option."""
    tables = [r[0] for r in db.rows('SHOW TABLES', database)]
    schema = {}
    checksums = {}
    for table in tables:
        create = db.rows('SHOW CREATE TABLE `%s`' % table, database)[0][1]
        schema[table] = re.sub(r' AUTO_INCREMENT=\d+', '', create)
        if table.endswith(BOOKKEEPING_SUFFIXES) or table.endswith(('_options', '_usermeta', '_sitemeta')):
            continue
        checksums[table] = db.rows('CHECKSUM TABLE `%s`' % table, database)[0][1]
    options = {}
    registry = []
    for table in tables:
        if table.endswith('_options'):
            for name, value in db.rows('SELECT option_name, option_value FROM `%s`' % table, database):
                if not VOLATILE_OPTIONS.search(name):
                    options[table + ':' + name] = value
        if table.endswith('_sitemeta'):
            for name, value in db.rows('SELECT meta_key, meta_value FROM `%s`' % table, database):
                if not VOLATILE_OPTIONS.search(name) and not NETWORK_BOOKKEEPING.search(name):
                    options[table + ':' + name] = value
        if table.endswith('pet_migrations'):
            registry += db.rows('SELECT * FROM `%s` ORDER BY version' % table, database)
    usermeta = {}
    for table in tables:
        if table.endswith('_usermeta'):
            for uid, key, value in db.rows('SELECT user_id, meta_key, meta_value FROM `%s`' % table, database):
                if key not in VOLATILE_USERMETA:
                    usermeta['%s:%s:%s' % (table, uid, key)] = value
    return {'tables': tables, 'schema': schema, 'checksums': checksums, 'options': options,
            'registry': registry, 'usermeta': usermeta}


def snapshot_diff(before, after):
    """A list of differences (empty when the database is as before)."""
    diffs = []
    if before['tables'] != after['tables']:
        diffs.append('tables: added %s, removed %s' % (sorted(set(after['tables']) - set(before['tables'])),
                                                       sorted(set(before['tables']) - set(after['tables']))))
    for table in before['schema']:
        if table in after['schema'] and before['schema'][table] != after['schema'][table]:
            diffs.append('schema of %s changed' % table)
    for table, checksum in before['checksums'].items():
        if after['checksums'].get(table) != checksum:
            diffs.append('data of %s changed' % table)
    if before['registry'] != after['registry']:
        diffs.append('pet_migrations changed: %s -> %s' % (before['registry'], after['registry']))
    for key in sorted(set(before['options']) | set(after['options'])):
        if before['options'].get(key) != after['options'].get(key):
            diffs.append('option %s changed' % key)
    for key in sorted(set(before['usermeta']) | set(after['usermeta'])):
        if before['usermeta'].get(key) != after['usermeta'].get(key):
            diffs.append('usermeta %s changed' % key)
    return diffs


def snapshot_summary(snap):
    return '%d tables, schema of each, data of %d tables, %d options, %d registry rows' % (
        len(snap['tables']), len(snap['checksums']), len(snap['options']), len(snap['registry']))


# --------------------------------------------------------------------------- sites

class Site:
    """A throwaway WordPress site: its own directory, wp-config.php, database and port."""

    def __init__(self, workdir, name, db, multisite=False):
        self.name = name
        self.db = db
        self.multisite = multisite
        self.dir = os.path.join(workdir, name)
        # Unique per run: two runs of the suite on one server (a developer's and CI's) must not
        # drop each other's databases.
        self.database = ('pet_wp_%s_%s' % (RUN_ID, re.sub(r'[^a-z0-9_]', '_', name.lower())))[:64]
        self.port = free_port()
        self.host = '127.0.0.1:%d' % self.port
        self.url = 'http://' + self.host
        self.prefix = 'wp_'
        self.server = None
        self.plugin_dir = os.path.join(self.dir, 'wp-content', 'plugins', 'pet')
        self.migrations_dir = os.path.join(self.plugin_dir, 'migrations')

    # -- setup

    def install(self, db_host=None, wp_cron=False, config_lines=()):
        """wp_cron=True leaves WP-Cron on (test sites define DISABLE_WP_CRON otherwise, so
        that no test sees a cron run it did not ask for); config_lines go into wp-config.php."""
        started = time.monotonic()
        self.wp_cron = wp_cron
        self.config_lines = list(config_lines)
        if os.path.exists(self.dir):
            shutil.rmtree(self.dir)
        os.makedirs(self.dir)
        copy_wordpress(self.dir)
        shutil.copytree(PLUGIN_SOURCE, self.plugin_dir)
        mu = os.path.join(self.dir, 'wp-content', 'mu-plugins')
        os.makedirs(mu, exist_ok=True)
        shutil.copy(os.path.join(FIXTURES, 'mu-plugins', 'pet-test-site.php'), mu)
        os.makedirs(os.path.join(self.dir, 'wp-content', 'uploads'), exist_ok=True)
        self.db.create_database(self.database)
        with open(os.path.join(self.dir, 'pet-test-site.json'), 'w') as f:
            json.dump({'url': self.url, 'host': self.host, 'port': self.port,
                       'admin_password': ADMIN_PASSWORD, 'subscriber_password': SUBSCRIBER_PASSWORD}, f)
        self.write_config(db_host or '%s:%d' % (self.db.host, self.db.port))
        self._php_script('install-site.php')
        if self.multisite:
            self._php_script('install-site.php', 'network')
            self.write_config(db_host or '%s:%d' % (self.db.host, self.db.port), multisite=True)
        self.warm_up()
        # Installing sends WordPress's "New WordPress Site" mail; tests look at mail sent after.
        mail_log = os.path.join(self.dir, 'wp-content', 'pet-test-mail.log')
        if os.path.exists(mail_log):
            os.remove(mail_log)
        self.install_seconds = time.monotonic() - started
        return self

    def warm_up(self):
        """What the first admin page view of a fresh site writes (widget settings, user
        settings) happens now, so that tests comparing the database before and after an
        action see only what that action did."""
        self.start_server(with_extension=False)
        try:
            for user, password in (('admin', ADMIN_PASSWORD), ('subscriber', SUBSCRIBER_PASSWORD)):
                client = Client(self).login(user, password)
                for path in ('/', '/wp-admin/profile.php', '/wp-admin/plugins.php', '/wp-admin/tools.php'):
                    client.get(path)
                if self.multisite and user == 'admin':
                    client.get('/wp-admin/network/plugins.php')
                    client.get('/wp-admin/network/settings.php')
        finally:
            self.stop_server()

    def write_config(self, db_host, multisite=False):
        lines = [
            '<?php',
            '// Test site %s (generated by Tests/WordPress/harness.py; throwaway).' % self.name,
            "define( 'DB_NAME', %s );" % php_str(self.database),
            "define( 'DB_USER', %s );" % php_str(self.db.user),
            "define( 'DB_PASSWORD', %s );" % php_str(self.db.password),
            "define( 'DB_HOST', %s );" % php_str(db_host),
            "define( 'DB_CHARSET', 'utf8mb4' );",
            "define( 'DB_COLLATE', '' );",
            "$table_prefix = %s;" % php_str(self.prefix),
        ]
        for key in ('AUTH_KEY', 'SECURE_AUTH_KEY', 'LOGGED_IN_KEY', 'NONCE_KEY', 'AUTH_SALT', 'SECURE_AUTH_SALT',
                    'LOGGED_IN_SALT', 'NONCE_SALT'):
            lines.append("define( '%s', %s );" % (key, php_str('%s-%s-%d' % (key, self.name, self.port))))
        lines += [
            "define( 'WP_DEBUG', true );",
            "define( 'WP_DEBUG_DISPLAY', false );",
            "define( 'WP_DEBUG_LOG', __DIR__ . '/debug.log' );",
            "define( 'AUTOMATIC_UPDATER_DISABLED', true );",
            "define( 'WP_AUTO_UPDATE_CORE', false );",
            "define( 'WP_ENVIRONMENT_TYPE', 'local' );",
            "define( 'FS_METHOD', 'direct' );",
            "if ( ! empty( $_SERVER['HTTP_X_PET_QUERY_LOG'] ) ) { define( 'SAVEQUERIES', true ); }",
        ]
        if not getattr(self, 'wp_cron', False):
            lines.append("define( 'DISABLE_WP_CRON', true );")
        lines += getattr(self, 'config_lines', [])
        if multisite:
            lines += [
                "define( 'WP_ALLOW_MULTISITE', true );",
                "define( 'MULTISITE', true );",
                "define( 'SUBDOMAIN_INSTALL', false );",
                "define( 'DOMAIN_CURRENT_SITE', %s );" % php_str(self.host),
                "define( 'PATH_CURRENT_SITE', '/' );",
                "define( 'SITE_ID_CURRENT_SITE', 1 );",
                "define( 'BLOG_ID_CURRENT_SITE', 1 );",
            ]
        lines += [
            "if ( ! defined( 'ABSPATH' ) ) { define( 'ABSPATH', __DIR__ . '/' ); }",
            "require_once ABSPATH . 'wp-settings.php';",
        ]
        with open(os.path.join(self.dir, 'wp-config.php'), 'w') as f:
            f.write('\n'.join(lines) + '\n')

    def _php_script(self, script, *args, with_extension=False):
        out = subprocess.run(php_args(with_extension) + [os.path.join(PHP_HELPERS, script), self.dir] + list(args),
                             capture_output=True, text=True, timeout=300)
        if out.returncode != 0:
            raise HarnessError('%s failed (%d): %s %s' % (script, out.returncode, out.stdout[-2000:], out.stderr[-2000:]))
        return out.stdout

    # -- running PHP inside the site

    def php(self, code, with_extension=True, uri='/', admin=False, user=None, cli_standin=False, env=None):
        """Runs a PHP fragment inside this site's WordPress; returns what it `return`s."""
        run_env = dict(os.environ)
        run_env.pop('PET_EVAL_ADMIN', None)
        if admin:
            run_env['PET_EVAL_ADMIN'] = '1'
        if user:
            run_env['PET_EVAL_USER'] = user
        if cli_standin:
            run_env['PET_WP_CLI_STANDIN'] = '1'
        run_env.update(env or {})
        out = subprocess.run(php_args(with_extension) + [os.path.join(PHP_HELPERS, 'wp-eval.php'), self.dir, uri],
                             input=code, capture_output=True, text=True, env=run_env, timeout=300)
        marker = '@@PET-RESULT@@'
        if out.returncode != 0 or marker not in out.stdout:
            raise HarnessError('PHP in site %s failed (%d):\nstdout: %s\nstderr: %s' % (
                self.name, out.returncode, out.stdout[-3000:], out.stderr[-3000:]))
        return json.loads(out.stdout.rsplit(marker, 1)[1].strip())

    # -- convenience

    def activate(self, network=False, with_extension=True):
        """activate_plugin() as wp-admin's Plugins screen calls it (minus the redirect)."""
        return self.php("return activate_plugin( 'pet/pet.php', '', %s );" % ('true' if network else 'false'),
                        with_extension=with_extension, admin=True, user='admin')

    def deactivate(self, network=False):
        return self.php("deactivate_plugins( 'pet/pet.php', false, %s ); return true;" % ('true' if network else 'false'),
                        admin=True, user='admin')

    def active_plugins(self):
        value = self.db.scalar("SELECT option_value FROM %soptions WHERE option_name = 'active_plugins'" % self.prefix,
                               self.database)
        return value or ''

    def is_active(self):
        return 'pet/pet.php' in self.active_plugins()

    def tables(self, prefix=None):
        rows = self.db.rows("SHOW TABLES LIKE '%s%%'" % (prefix or self.prefix).replace('_', '\\_'), self.database)
        return sorted(r[0] for r in rows)

    def registry(self, prefix=None):
        table = (prefix or self.prefix) + 'pet_migrations'
        if table not in self.tables(prefix or self.prefix):
            return []
        return self.db.rows('SELECT version, name, applied_at, checksum FROM `%s` ORDER BY version' % table, self.database)

    def events(self, prefix=None):
        table = (prefix or self.prefix) + 'pet_migration_events'
        if table not in self.tables(prefix or self.prefix):
            return []
        return self.db.rows('SELECT * FROM `%s` ORDER BY 1' % table, self.database)

    def columns(self, table):
        return [r[0] for r in self.db.rows('SHOW COLUMNS FROM `%s`' % table, self.database)]

    def option(self, name, prefix=None):
        return self.db.scalar("SELECT option_value FROM `%soptions` WHERE option_name = '%s'" % (prefix or self.prefix, name),
                              self.database)

    def snapshot(self):
        return snapshot(self.db, self.database)

    def state_text(self, prefix=None):
        """The plugin's state option as stored (PHP-serialised), read with SQL: cheap to poll."""
        return self.option('pet_migrate_state', prefix) or ''

    def handed_off(self, prefix=None):
        """Whether a deployment a visitor's request found still waits for its background run."""
        text = self.state_text(prefix)
        return bool(re.search(r's:13:"handed_off_at";i:[1-9]', text)) or 's:4:"mode";s:9:"migrating"' in text

    def network_walk(self):
        """The network walk's option (PHP-serialised), or ''."""
        return self.db.scalar("SELECT meta_value FROM `%ssitemeta` WHERE meta_key = 'pet_migrate_network_queue'" % self.prefix,
                              self.database) or ''

    def wait_for_network_walk(self, seconds=60, poke=None):
        """Waits until the walk over the network's sites has finished; `poke` (a function) is
        called every second meanwhile, e.g. to load a network admin page. Returns the seconds."""
        started = time.monotonic()
        last_poke = 0
        while not re.search(r's:11:"finished_at";i:[1-9]', self.network_walk()):
            if time.monotonic() - started > seconds:
                raise HarnessError('the network walk did not finish within %d s: %s' % (seconds, self.network_walk()[:400]))
            if poke and time.monotonic() - last_poke >= 1:
                poke()
                last_poke = time.monotonic()
            time.sleep(0.1)
        return time.monotonic() - started

    def wait_for_background(self, seconds=30, prefix=None):
        """Waits until the background request a visitor's request handed a deployment to has
        run it; returns the seconds waited (raises after `seconds`)."""
        started = time.monotonic()
        while self.handed_off(prefix):
            if time.monotonic() - started > seconds:
                raise HarnessError('the handed-off deployment did not run within %d s: %s' % (seconds, self.state_text(prefix)[:400]))
            time.sleep(0.05)
        return time.monotonic() - started

    def add_migration(self, fixture_name, settle=True):
        """Drops a fixture migration into the installed plugin, as a git/FTP deploy would. With
        settle, waits until the deployment counts as finished: the plugin leaves files changed
        less than two seconds ago alone (they may still be being written)."""
        shutil.copy(os.path.join(FIXTURES, 'migrations', fixture_name), self.migrations_dir)
        if settle:
            settle_after_deploy()

    def remove_migration(self, fixture_name, settle=True):
        os.remove(os.path.join(self.migrations_dir, fixture_name))
        if settle:
            settle_after_deploy()

    def write_migration(self, file_name, content, settle=True):
        with open(os.path.join(self.migrations_dir, file_name), 'w') as f:
            f.write(content)
        if settle:
            settle_after_deploy()

    def mails(self):
        """Mails WordPress sent (captured by the test-site mu-plugin instead of delivered)."""
        path = os.path.join(self.dir, 'wp-content', 'pet-test-mail.log')
        if not os.path.exists(path):
            return []
        with open(path) as f:
            return [json.loads(line) for line in f if line.strip()]

    def debug_log_lines(self, needle='plugins/pet/'):
        path = os.path.join(self.dir, 'debug.log')
        if not os.path.exists(path):
            return []
        with open(path, errors='replace') as f:
            return [line.rstrip() for line in f if needle in line or 'PHP Fatal' in line or 'PHP Parse' in line]

    def query_log(self, name):
        path = os.path.join(self.dir, 'query-logs', name + '.json')
        for _ in range(50):
            if os.path.exists(path):
                with open(path) as f:
                    try:
                        return json.load(f)
                    except ValueError:
                        pass
            time.sleep(0.05)
        raise HarnessError('no query log %s' % path)

    # -- serving

    def start_server(self, with_extension=True):
        self.stop_server()
        self.server = Server(self, with_extension)
        self.server.start()
        return self.server

    def stop_server(self):
        if self.server:
            self.server.stop()
            self.server = None

    def destroy(self, keep=False):
        self.stop_server()
        if not keep:
            self.db.drop_database(self.database)
            shutil.rmtree(self.dir, ignore_errors=True)


SETTLE_SECONDS = 2.1


def settle_after_deploy():
    """Waits until files written just now count as a finished deployment (the plugin's settle
    time is two seconds, measured on the file's status-change time, which no tool can set)."""
    time.sleep(SETTLE_SECONDS)


def php_str(value):
    return "'" + str(value).replace('\\', '\\\\').replace("'", "\\'") + "'"


_wordpress_tar = None


def copy_wordpress(target):
    """Copies Debian's WordPress tree into target: symlinks resolved (some point outside the
    tree, relatively), translations and Debian's wp-config.php dispatcher left out. The tree
    is archived once per run and extracted per site."""
    global _wordpress_tar
    if _wordpress_tar is None:
        _wordpress_tar = os.path.join(os.path.dirname(target), 'wordpress-tree.tar')
        subprocess.run(['tar', '-C', WORDPRESS_SOURCE, '--dereference', '--exclude=./wp-content/languages',
                        '--exclude=./wp-config.php', '--exclude=./.htaccess', '-cf', _wordpress_tar, '.'],
                       check=True)
    subprocess.run(['tar', '-C', target, '-xf', _wordpress_tar], check=True)


class Server:
    """`php -S 127.0.0.1:PORT router.php` serving one site, with several workers."""

    def __init__(self, site, with_extension=True):
        self.site = site
        self.with_extension = with_extension
        self.proc = None
        self.log_path = os.path.join(site.dir, 'server.log')

    def start(self):
        env = dict(os.environ, PHP_CLI_SERVER_WORKERS='4')
        log = open(self.log_path, 'a')
        self.proc = subprocess.Popen(
            php_args(self.with_extension) + ['-S', self.site.host, '-t', self.site.dir,
                                             os.path.join(PHP_HELPERS, 'router.php')],
            cwd=self.site.dir, stdout=log, stderr=log, env=env, start_new_session=True)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(('127.0.0.1', self.site.port), timeout=0.2):
                    return
            except OSError:
                if self.proc.poll() is not None:
                    raise HarnessError('php -S exited: see %s' % self.log_path)
                time.sleep(0.05)
        raise HarnessError('php -S did not start on %s' % self.site.host)

    def stop(self):
        """Stops the server and every worker (its process group), and waits until the port is
        free, so a server started next on the same port cannot meet a dying worker."""
        if not self.proc:
            return
        group = self.proc.pid
        for sig, wait in ((15, 5), (9, 5)):
            try:
                os.killpg(group, sig)
            except ProcessLookupError:
                break
            deadline = time.monotonic() + wait
            while time.monotonic() < deadline:
                self.proc.poll()
                try:
                    os.killpg(group, 0)
                except ProcessLookupError:
                    break
                time.sleep(0.05)
            else:
                continue
            break
        self.proc.wait()
        self.proc = None


# --------------------------------------------------------------------------- HTTP

class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


class Response:
    def __init__(self, status, headers, body, url):
        self.status = status
        self.headers = headers
        self.body = body
        self.url = url

    def json(self):
        return json.loads(self.body)

    def text(self):
        """Visible text, roughly: tags removed, entities decoded, whitespace collapsed."""
        import html
        body = re.sub(r'(?is)<(script|style)\b.*?</\1>', ' ', self.body)
        return re.sub(r'\s+', ' ', html.unescape(re.sub(r'<[^>]+>', ' ', body))).strip()


def notice_text(page):
    """The visible text of PET's notices on a page."""
    import html
    parts = re.findall(r'(?s)<div class="notice[^"]*pet-migrate-notice[^"]*">(.*?)</div>', page.body)
    return ' '.join(re.sub(r'\s+', ' ', html.unescape(re.sub(r'<[^>]+>', ' ', p))).strip() for p in parts)


class Client:
    """A cookie-keeping HTTP client (a user in a browser, minus JavaScript)."""

    def __init__(self, site):
        self.site = site
        self.jar = http.cookiejar.CookieJar()
        self.follow = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.nofollow = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect)

    def request(self, path, data=None, headers=None, follow=True, method=None):
        url = path if path.startswith('http') else self.site.url + path
        body = urllib.parse.urlencode(data).encode() if isinstance(data, dict) else data
        req = urllib.request.Request(url, data=body, headers=headers or {}, method=method)
        opener = self.follow if follow else self.nofollow
        try:
            with opener.open(req, timeout=60) as resp:
                return Response(resp.status, resp.headers, resp.read().decode('utf-8', 'replace'), resp.geturl())
        except urllib.error.HTTPError as e:
            return Response(e.code, e.headers, e.read().decode('utf-8', 'replace'), url)

    def get(self, path, **kw):
        return self.request(path, **kw)

    def post(self, path, data, **kw):
        return self.request(path, data=data, **kw)

    def login(self, user, password, path_prefix=''):
        self.get(path_prefix + '/wp-login.php')  # sets the test cookie
        resp = self.post(path_prefix + '/wp-login.php', {
            'log': user, 'pwd': password, 'wp-submit': 'Log In', 'testcookie': '1',
            'redirect_to': self.site.url + path_prefix + '/wp-admin/'}, follow=False)
        if resp.status != 302:
            raise HarnessError('login as %s failed (%d): %s' % (user, resp.status, Response.text(resp)[:300]))
        return self

    def nonce_link(self, page, pattern):
        """The first href on a page matching a regex (e.g. the Activate link with its nonce)."""
        import html
        m = re.search(r'href="([^"]*%s[^"]*)"' % pattern, page.body)
        return urllib.parse.urljoin(page.url, html.unescape(m.group(1))) if m else None

    def form_fields(self, page, form_pattern):
        """The hidden fields of the first <form> whose HTML matches a regex."""
        import html
        for form in re.findall(r'(?is)<form\b.*?</form>', page.body):
            if re.search(form_pattern, form):
                fields = {}
                for tag in re.findall(r'(?is)<input\b[^>]*>', form):
                    name = re.search(r'name="([^"]*)"', tag)
                    value = re.search(r'value="([^"]*)"', tag)
                    if name:
                        fields[html.unescape(name.group(1))] = html.unescape(value.group(1)) if value else ''
                action = re.search(r'action="([^"]*)"', form)
                target = urllib.parse.urljoin(page.url, html.unescape(action.group(1))) if action else page.url
                return target, fields
        return None, None
