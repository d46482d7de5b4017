"""The real server stack for PET: Debian's php8.2-fpm and nginx, started by the tests with their
own configuration files on loopback (Debian's policy-rc.d keeps package-started services off),
and the pet-migrate Debian package installed, removed and purged with apt-get.

FPM finds the extension the Debian way: /etc/php/8.2/fpm/conf.d, where the package's postinst
linked mods-available/pet_migrate.ini (phpenmod). Nothing here passes `-d extension=`.
"""

import glob
import os
import re
import shutil
import signal
import socket
import subprocess
import time

import harness

PHP_VERSION = os.environ.get('PET_SERVER_PHP_VERSION', '8.2')
PHP_FPM = '/usr/sbin/php-fpm' + PHP_VERSION
NGINX = '/usr/sbin/nginx'
FPM_CONF_D = '/etc/php/%s/fpm/conf.d' % PHP_VERSION
MODS_AVAILABLE = '/etc/php/%s/mods-available' % PHP_VERSION
DIST = os.path.join(harness.REPO, 'dist')
IS_ROOT = os.geteuid() == 0
SUDO = [] if IS_ROOT else ['sudo']


class StackError(Exception):
    pass


def run(cmd, check=True, env=None, timeout=300):
    out = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=timeout)
    if check and out.returncode != 0:
        raise StackError('%s failed (%d): %s %s' % (' '.join(cmd), out.returncode, out.stdout[-3000:], out.stderr[-3000:]))
    return out


def system_env(**extra):
    """The environment of a PHP started as the system would: no inherited PHP_INI_SCAN_DIR."""
    env = dict(os.environ)
    env.pop('PHP_INI_SCAN_DIR', None)
    env.update(extra)
    return env


# --------------------------------------------------------------------------- the package

def package_file():
    debs = sorted(glob.glob(os.path.join(DIST, 'pet-migrate_*.deb')), key=os.path.getmtime)
    if not debs:
        raise StackError('no dist/pet-migrate_*.deb: run make package')
    return debs[-1]


def plugin_zip():
    zips = sorted(glob.glob(os.path.join(DIST, 'pet-*.zip')), key=os.path.getmtime)
    if not zips:
        raise StackError('no dist/pet-*.zip: run make dist')
    return zips[-1]


def apt(*args):
    """apt-get as an operator runs it (waiting for another apt to finish rather than failing)."""
    env = dict(os.environ, DEBIAN_FRONTEND='noninteractive')
    t0 = time.monotonic()
    out = run(SUDO + ['apt-get', '-y', '-o', 'DPkg::Lock::Timeout=120'] + list(args), env=env)
    return out, time.monotonic() - t0


def install_package(deb):
    return apt('install', '--no-install-recommends', deb)


def remove_package(purge=False):
    return apt('purge' if purge else 'remove', 'pet-migrate')


def package_status():
    out = run(['dpkg-query', '-W', '-f=${Status}', 'pet-migrate'], check=False)
    return out.stdout.strip() if out.returncode == 0 else 'unknown'


def fpm_modules(env=None):
    """`php-fpm8.2 -m`: the modules FPM's own configuration loads."""
    out = run([PHP_FPM, '-m'], env=env or system_env())
    modules = []
    for line in out.stdout.splitlines():
        if line.strip() and not line.startswith('[') and line.strip() not in modules:
            modules.append(line.strip())
    return modules


def conf_d_without_pet(workdir, extension=None):
    """A copy of FPM's conf.d without the package's pet_migrate link (for figures without it),
    or with `extension` (a built pet_migrate.so) loaded instead."""
    path = os.path.join(workdir, 'fpm-conf.d-without-pet' if extension is None else 'fpm-conf.d-build')
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path)
    for ini in sorted(glob.glob(os.path.join(FPM_CONF_D, '*.ini'))):
        if 'pet_migrate' not in os.path.basename(ini):
            os.symlink(os.path.realpath(ini), os.path.join(path, os.path.basename(ini)))
    if extension is not None:
        with open(os.path.join(path, '90-pet_migrate-build.ini'), 'w') as f:
            f.write('extension=%s\n' % extension)
    return path


# --------------------------------------------------------------------------- processes

def wait_for_port(port, proc, what, seconds=15):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(('127.0.0.1', port), timeout=0.2):
                return
        except OSError:
            if proc.poll() is not None:
                raise StackError('%s exited (%s)' % (what, proc.returncode))
            time.sleep(0.05)
    raise StackError('%s did not listen on %d' % (what, port))


def children(pid):
    """PIDs whose parent is pid."""
    found = []
    for stat in glob.glob('/proc/[0-9]*/stat'):
        try:
            with open(stat) as f:
                fields = f.read().rsplit(')', 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.split('/')[2]))
    return sorted(found)


def memory(pid):
    """Resident and proportional set size of a process, in KB."""
    rss = pss = None
    with open('/proc/%d/status' % pid) as f:
        for line in f:
            if line.startswith('VmRSS:'):
                rss = int(line.split()[1])
    try:
        with open('/proc/%d/smaps_rollup' % pid) as f:
            for line in f:
                if line.startswith('Pss:'):
                    pss = int(line.split()[1])
    except OSError:
        pass
    return rss, pss


def maps_library(pid, name):
    try:
        with open('/proc/%d/maps' % pid) as f:
            return any(name in line for line in f)
    except OSError:
        return False


class Fpm:
    """php-fpm8.2 in the foreground with its own php-fpm.conf: one static pool on loopback."""

    def __init__(self, workdir, port, workers=4, max_requests=0, scan_dir=None, terminate_timeout='120s',
                 track_finished=False):
        self.dir = os.path.join(workdir, 'fpm')
        self.terminate_timeout = terminate_timeout
        self.track_finished = track_finished
        os.makedirs(self.dir, exist_ok=True)
        self.port = port
        self.workers = workers
        self.max_requests = max_requests
        self.scan_dir = scan_dir  # None: FPM's own conf.d, as the package configured it
        self.conf = os.path.join(self.dir, 'php-fpm.conf')
        self.log = os.path.join(self.dir, 'php-fpm.log')
        self.php_errors = os.path.join(self.dir, 'php-errors.log')
        self.proc = None

    def write_config(self):
        owner = 'user = root\ngroup = root\n' if IS_ROOT else ''
        with open(self.conf, 'w') as f:
            f.write("""; PET server tests (Tests/WordPress/server_stack.py); throwaway.
[global]
pid = {dir}/php-fpm.pid
error_log = {log}
log_level = notice
; A reload waits this long for busy workers to finish (Debian's default, 0, kills them: 502s).
process_control_timeout = 30s

[pet]
{owner}listen = 127.0.0.1:{port}
listen.backlog = 511
pm = static
pm.max_children = {workers}
pm.max_requests = {max_requests}
request_terminate_timeout = {terminate_timeout}
request_terminate_timeout_track_finished = {track_finished}
catch_workers_output = yes
decorate_workers_output = no
php_admin_value[error_log] = {php_errors}
php_admin_flag[log_errors] = on
php_admin_value[memory_limit] = 256M
""".format(dir=self.dir, log=self.log, owner=owner, port=self.port, workers=self.workers,
                   max_requests=self.max_requests, php_errors=self.php_errors, terminate_timeout=self.terminate_timeout,
                   track_finished='yes' if self.track_finished else 'no'))

    def start(self):
        self.write_config()
        env = system_env()
        if self.scan_dir:
            env['PHP_INI_SCAN_DIR'] = self.scan_dir
        cmd = [PHP_FPM, '--nodaemonize', '--fpm-config', self.conf] + (['--allow-to-run-as-root'] if IS_ROOT else [])
        out = open(os.path.join(self.dir, 'stdout.log'), 'a')
        self.proc = subprocess.Popen(cmd, stdout=out, stderr=out, env=env, start_new_session=True)
        wait_for_port(self.port, self.proc, 'php-fpm')
        self.wait_workers()
        return self

    def wait_workers(self, exclude=(), seconds=15):
        """Waits until the pool has all its workers (none of them in exclude); returns their PIDs."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            workers = [p for p in children(self.proc.pid) if p not in exclude]
            if len(workers) >= self.workers:
                return workers
            if self.proc.poll() is not None:
                raise StackError('php-fpm exited (%s): %s' % (self.proc.returncode, self.log_text()[-2000:]))
            time.sleep(0.05)
        raise StackError('php-fpm workers did not start: %s' % self.log_text()[-2000:])

    def worker_pids(self):
        return children(self.proc.pid)

    def reload(self):
        """What `systemctl reload php8.2-fpm` does: SIGUSR2, a graceful re-exec of the master."""
        os.kill(self.proc.pid, signal.SIGUSR2)

    def stop(self):
        if not self.proc:
            return
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGQUIT)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.proc = None

    def log_text(self):
        text = ''
        for path in (self.log, self.php_errors):
            if os.path.exists(path):
                with open(path, errors='replace') as f:
                    text += f.read()
        return text


class Nginx:
    """nginx in the foreground with its own nginx.conf, serving one WordPress site through FPM."""

    def __init__(self, workdir, site, fpm_port):
        self.dir = os.path.join(workdir, 'nginx')
        for sub in ('', 'tmp', 'logs'):
            os.makedirs(os.path.join(self.dir, sub), exist_ok=True)
        self.site = site
        self.fpm_port = fpm_port
        self.conf = os.path.join(self.dir, 'nginx.conf')
        self.error_log = os.path.join(self.dir, 'logs', 'error.log')
        self.proc = None

    def write_config(self):
        user = 'user root root;\n' if IS_ROOT else ''
        with open(self.conf, 'w') as f:
            f.write("""# PET server tests (Tests/WordPress/server_stack.py); throwaway.
{user}daemon off;
worker_processes 2;
pid {dir}/nginx.pid;
error_log {error_log} warn;
events {{ worker_connections 512; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log {dir}/logs/access.log;
    client_body_temp_path {dir}/tmp/body;
    fastcgi_temp_path {dir}/tmp/fastcgi;
    proxy_temp_path {dir}/tmp/proxy;
    uwsgi_temp_path {dir}/tmp/uwsgi;
    scgi_temp_path {dir}/tmp/scgi;
    client_max_body_size 32m;
    server {{
        listen 127.0.0.1:{port};
        server_name 127.0.0.1;
        root {root};
        index index.php;
        location / {{
            try_files $uri $uri/ /index.php?$args;
        }}
        location ~ \\.php$ {{
            try_files $uri =404;
            include /etc/nginx/fastcgi_params;
            fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;
            # Debian's fastcgi_params passes HTTP_HOST as $host, without the port; the test site
            # lives on a port (the last value of a parameter wins in PHP-FPM).
            fastcgi_param HTTP_HOST $host:$server_port;
            fastcgi_pass 127.0.0.1:{fpm_port};
            fastcgi_read_timeout 120s;
        }}
    }}
}}
""".format(user=user, dir=self.dir, error_log=self.error_log, port=self.site.port, root=self.site.dir,
                   fpm_port=self.fpm_port))

    def start(self):
        self.write_config()
        out = open(os.path.join(self.dir, 'logs', 'stdout.log'), 'a')
        self.proc = subprocess.Popen([NGINX, '-c', self.conf, '-p', self.dir + '/', '-e', self.error_log],
                                     stdout=out, stderr=out, start_new_session=True)
        wait_for_port(self.site.port, self.proc, 'nginx')
        return self

    def stop(self):
        if not self.proc:
            return
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.proc = None


# --------------------------------------------------------------------------- the site's extras

# A test-only must-use plugin: which FPM worker answered and whether it has the engine.
WORKER_MU_PLUGIN = """<?php
// PET server tests only: which FPM worker answered, and whether it has the engine loaded.
if ( ! headers_sent() ) {
	header( 'X-Pet-Worker: ' . getmypid() );
	header( 'X-Pet-Engine: ' . ( function_exists( 'pet_migrate_version' ) ? pet_migrate_version() : 'missing' ) );
}
"""

# A plain PHP script that takes a while: a request in flight during a reload.
SLOW_SCRIPT = """<?php
// PET server tests only: a request that is still running when FPM is reloaded. It runs its full
// time even if a signal interrupts a sleep (FPM signals workers on a reload).
$pet_started = microtime( true );
$pet_until   = $pet_started + max( 0, (int) ( $_GET['ms'] ?? 3000 ) ) / 1000;
while ( microtime( true ) < $pet_until ) {
	usleep( 10000 );
}
header( 'X-Pet-Worker: ' . getmypid() );
header( 'X-Pet-Elapsed-Ms: ' . (int) round( ( microtime( true ) - $pet_started ) * 1000 ) );
echo function_exists( 'pet_migrate_version' ) ? 'engine ' . pet_migrate_version() : 'no engine';
"""


def add_server_helpers(site):
    with open(os.path.join(site.dir, 'wp-content', 'mu-plugins', 'pet-server-test.php'), 'w') as f:
        f.write(WORKER_MU_PLUGIN)
    with open(os.path.join(site.dir, 'pet-slow.php'), 'w') as f:
        f.write(SLOW_SCRIPT)


def php_warnings(text):
    """Lines of a PHP or FPM log that signal trouble with modules or workers."""
    pattern = re.compile(r'Unable to load dynamic library|already loaded|exited on signal|PHP Fatal|segfault|'
                         r'child \d+ exited with code [1-9]|WARNING: \[pool', re.I)
    return [line for line in text.splitlines() if pattern.search(line)]
