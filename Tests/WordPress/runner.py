"""A small test runner: named tests, checks that collect failures, figures, a closing line
`N passed, M failed` and a non-zero exit code on failure."""

import os
import sys
import tempfile
import time
import traceback

import harness

TESTS = []


def test(needs_engine=True):
    def register(func):
        func.needs_engine = needs_engine
        TESTS.append(func)
        return func
    return register


class CheckFailed(Exception):
    pass


class Context:
    """What a test gets: site factory, checks, figures."""

    def __init__(self, workdir, db, name):
        self.workdir = workdir
        self.db = db
        self.name = name
        self.sites = []
        self.failures = []
        self.figures = []

    def site(self, suffix='', multisite=False, **kw):
        site = harness.Site(self.workdir, self.name + suffix, self.db, multisite=multisite)
        self.sites.append(site)
        site.install(**kw)
        self.figure('install %s%s: %.2f s' % ('multisite ' if multisite else '', site.name, site.install_seconds))
        return site

    def check(self, condition, message):
        if not condition:
            self.failures.append(message)
        return bool(condition)

    def equal(self, actual, expected, message):
        return self.check(actual == expected, '%s: expected %r, got %r' % (message, expected, actual))

    def contains(self, haystack, needle, message):
        return self.check(needle in haystack, '%s: %r not found' % (message, needle))

    def absent(self, haystack, needle, message):
        return self.check(needle not in haystack, '%s: %r present' % (message, needle))

    def require(self, condition, message):
        """A check whose failure makes the rest of the test meaningless."""
        if not self.check(condition, message):
            raise CheckFailed(message)

    def figure(self, text):
        self.figures.append(text)

    def cleanup(self, keep):
        for site in self.sites:
            try:
                site.destroy(keep=keep)
            except Exception as e:  # cleanup must not hide the result
                print('    (cleanup of %s: %s)' % (site.name, e))


def main(argv):
    selected = [a for a in argv if not a.startswith('-')]
    keep = os.environ.get('PET_WP_KEEP') == '1'
    workdir = os.environ.get('PET_WP_WORKDIR') or tempfile.mkdtemp(prefix='pet-wp-tests-')
    os.makedirs(workdir, exist_ok=True)
    try:
        db = harness.MariaDB()
    except harness.HarnessError as e:
        print('cannot start: %s' % e)
        print('0 passed, 1 failed')
        return 1

    print('PET WordPress tests: WordPress from %s, extension %s (%s), sites in %s' % (
        harness.WORDPRESS_SOURCE, harness.EXTENSION, 'present' if harness.extension_available() else 'MISSING', workdir))
    passed = failed = 0
    started = time.monotonic()
    for func in TESTS:
        name = func.__name__[len('test_'):] if func.__name__.startswith('test_') else func.__name__
        if selected and not any(s in name for s in selected):
            continue
        ctx = Context(workdir, db, name.replace('_', '-')[:40])
        t0 = time.monotonic()
        if func.needs_engine and not harness.extension_available():
            ctx.failures.append('needs the PHP extension, not built: %s' % harness.EXTENSION)
        else:
            try:
                func(ctx)
            except CheckFailed:
                pass
            except Exception:
                ctx.failures.append('exception:\n' + traceback.format_exc())
        elapsed = time.monotonic() - t0
        if ctx.failures:
            failed += 1
            print('FAIL %s (%.1f s)' % (name, elapsed))
            for failure in ctx.failures:
                print('    - ' + failure.replace('\n', '\n      '))
            for site in ctx.sites:
                lines = site.debug_log_lines()
                if lines:
                    print('    PHP messages from the plugin in %s:' % site.name)
                    for line in lines[-10:]:
                        print('      ' + line)
        else:
            passed += 1
            print('ok   %s (%.1f s)' % (name, elapsed))
        for figure in ctx.figures:
            print('    # ' + figure)
        ctx.cleanup(keep or (bool(ctx.failures) and os.environ.get('PET_WP_KEEP_FAILED') == '1'))
    if not keep:
        try:
            os.remove(os.path.join(workdir, 'wordpress-tree.tar'))
            os.rmdir(workdir)
        except OSError:
            pass
    print('total %.1f s' % (time.monotonic() - started))
    print('%d passed, %d failed' % (passed, failed))
    return 1 if failed or not passed else 0
