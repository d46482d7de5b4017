"""A headless Chromium (Debian's chromium + chromium-driver, driven by python3-selenium)
logs into wp-admin like a person: the administrator sees PET's failure notices, the
screenshots are kept under artifacts/, a subscriber sees nothing."""

import os
import shutil
import time

import harness
from runner import test
import test_background as bg
from test_plugin import BROKEN, BROKEN_FIXTURE, check_failure_notice

CHROMEDRIVER = os.environ.get('PET_CHROMEDRIVER', '/usr/bin/chromedriver')
CHROMIUM = os.environ.get('PET_CHROMIUM', '/usr/bin/chromium')


def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ('--headless=new', '--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu', '--window-size=1280,1400',
                '--no-first-run', '--disable-background-networking', '--disable-extensions'):
        options.add_argument(arg)
    return webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)


def login(driver, site, user, password):
    from selenium.webdriver.common.by import By
    driver.get(site.url + '/wp-login.php')  # first GET sets WordPress's test cookie
    driver.find_element(By.ID, 'user_login').send_keys(user)
    driver.find_element(By.ID, 'user_pass').send_keys(password)
    driver.find_element(By.ID, 'wp-submit').click()
    wait_for(lambda: 'wp-admin' in driver.current_url)


def wait_for(condition, seconds=15):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if condition():
                return True
        except Exception:
            pass
        time.sleep(0.1)
    return False


def body_text(driver):
    from selenium.webdriver.common.by import By
    return driver.find_element(By.TAG_NAME, 'body').text


def screenshot(driver, ctx, name):
    os.makedirs(harness.ARTIFACTS, exist_ok=True)
    path = os.path.join(harness.ARTIFACTS, name)
    driver.save_screenshot(path)
    ctx.check(os.path.getsize(path) > 10000, 'screenshot %s saved' % path)
    ctx.figure('screenshot: %s (%d KB)' % (os.path.relpath(path, harness.REPO), os.path.getsize(path) // 1024))


@test()
def test_browser_admin_sees_failure_subscriber_does_not(ctx):
    if not (shutil.which(CHROMEDRIVER) and shutil.which(CHROMIUM)):
        ctx.require(False, 'chromium and chromium-driver are installed (see scripts/install-deps-wordpress.txt)')
    from selenium.webdriver.common.by import By
    site = ctx.site()
    ctx.require(site.activate() is None, 'first activation')
    site.deactivate()
    site.add_migration(BROKEN_FIXTURE)
    site.start_server()

    driver = browser()
    try:
        t0 = time.monotonic()
        login(driver, site, 'admin', harness.ADMIN_PASSWORD)
        driver.get(site.url + '/wp-admin/plugins.php')
        row = driver.find_element(By.CSS_SELECTOR, 'tr[data-plugin="pet/pet.php"]')
        row.find_element(By.CSS_SELECTOR, 'span.activate a').click()
        ctx.check(wait_for(lambda: 'PET was not activated' in body_text(driver)), 'halted-activation notice appears')
        text = body_text(driver)
        ctx.figure('browser login + activate click + notice: %.1f s' % (time.monotonic() - t0))
        check_failure_notice(ctx, text, 'browser notice')
        ctx.check('Plugin activated.' not in text, "no 'Plugin activated.'")
        screenshot(driver, ctx, 'wordpress-activation-halted-notice.png')
        ctx.check(not site.is_active(), 'PET inactive after the halted activation')

        # Now PET active and an upgrade fails: the maintenance notice stays until it is fixed.
        site.remove_migration(BROKEN_FIXTURE)
        ctx.require(site.activate() is None, 'activation once the cause is gone')
        site.add_migration(BROKEN_FIXTURE)
        driver.get(site.url + '/wp-admin/profile.php')
        ctx.check(wait_for(lambda: 'PET is paused' in body_text(driver)), 'maintenance notice appears')
        text = body_text(driver)
        check_failure_notice(ctx, text, 'maintenance notice')
        ctx.check(driver.find_elements(By.CSS_SELECTOR, 'form input[name="action"][value="pet_migrate_retry"]'),
                  'Retry button present')
        screenshot(driver, ctx, 'wordpress-maintenance-notice.png')
        driver.get(site.url + '/wp-admin/tools.php?page=pet-migrations')
        ctx.check(wait_for(lambda: 'Applied migrations' in body_text(driver)), 'operator screen')
        ctx.check('Paused: PET is paused' in body_text(driver), 'operator screen shows the gate')
        screenshot(driver, ctx, 'wordpress-operator-screen.png')
        driver.get(site.url + '/wp-admin/admin.php?page=pet')
        ctx.check('PET is unavailable until an administrator' in body_text(driver), "PET's own page is closed")

        # Site Health: the status test is critical, the Info tab has a PET section.
        driver.get(site.url + '/wp-admin/site-health.php')
        ctx.check(wait_for(lambda: 'PET is paused' in body_text(driver), 30), 'Site Health status names PET')
        screenshot(driver, ctx, 'wordpress-site-health-status.png')
        driver.get(site.url + '/wp-admin/site-health.php?tab=debug')
        button = driver.find_element(By.CSS_SELECTOR, 'button[aria-controls="health-check-accordion-block-pet"]')
        driver.execute_script('arguments[0].scrollIntoView(); arguments[0].click();', button)
        ctx.check(wait_for(lambda: 'PET Migrate extension' in body_text(driver)), 'Site Health Info: PET section')
        ctx.check('Loaded, engine' in body_text(driver), 'Site Health Info: extension loaded')
        screenshot(driver, ctx, 'wordpress-site-health-info.png')

        # The cause is removed and the administrator clicks Retry: the outcome in words.
        site.remove_migration(BROKEN_FIXTURE)
        driver.get(site.url + '/wp-admin/tools.php?page=pet-migrations')
        driver.find_element(By.CSS_SELECTOR, 'form input[name="action"][value="pet_migrate_retry"]').find_element(By.XPATH, '..').find_element(By.CSS_SELECTOR, 'input[type="submit"]').click()
        ctx.check(wait_for(lambda: "PET's database is up to date" in body_text(driver)), 'Retry outcome in words')
        ctx.check('PET_OK' not in body_text(driver), 'no raw result code')
        screenshot(driver, ctx, 'wordpress-retry-outcome.png')
    finally:
        driver.quit()

    driver = browser()
    try:
        login(driver, site, 'subscriber', harness.SUBSCRIBER_PASSWORD)
        driver.get(site.url + '/wp-admin/profile.php')
        wait_for(lambda: 'Profile' in body_text(driver))
        text = body_text(driver)
        ctx.check('Profile' in text, 'subscriber sees the profile page')
        ctx.check('PET is paused' not in text and BROKEN not in text, 'subscriber sees no PET notice')
        screenshot(driver, ctx, 'wordpress-subscriber-no-notice.png')
    finally:
        driver.quit()


@test()
def test_browser_progress_notice_and_cutover_controls(ctx):
    """What an administrator sees of data work in a browser: the progress notice (percentage,
    rows, rate, paused and why) and the cut-over controls, whose buttons ask for confirmation
    (a JavaScript confirm the browser accepts) before Verify and Switch on."""
    if not (shutil.which(CHROMEDRIVER) and shutil.which(CHROMIUM)):
        ctx.require(False, 'chromium and chromium-driver are installed (see scripts/install-deps-wordpress.txt)')
    from selenium.webdriver.common.by import By
    site = ctx.site()
    bg.deploy(site, bg.ORDERS_FILE, bg.ORDERS_MIGRATION, settle=False)
    ctx.require(site.activate() is None, 'activation')
    bg.fill_orders(site, 100000)
    bg.deploy(site, bg.CENTS_FILE, bg.CENTS_MIGRATION, settle=False)
    bg.deploy(site, bg.V2_FILE, bg.V2_MIGRATION, settle=True)
    # Schema steps applied, one short slice of data work, then an operator's pause: the notice
    # has figures to show and stays put for the screenshot.
    site.php("Pet_Runner::run_site( 'cli' ); Pet_Runner::resume_site( 'cli', null, array( 'budget_ms' => 300 ) ); "
             "Pet_Runner::pause_site(); return 1;")
    site.start_server()
    driver = browser()
    try:
        login(driver, site, 'admin', harness.ADMIN_PASSWORD)
        driver.get(site.url + '/wp-admin/profile.php')
        ctx.check(wait_for(lambda: 'PET is updating its data in the background.' in body_text(driver)), 'progress notice')
        text = body_text(driver)
        ctx.check('rows' in text and '%' in text, 'the notice shows rows and a percentage')
        ctx.check('Paused by an operator' in text, 'and why it waits')
        screenshot(driver, ctx, 'wordpress-progress-notice.png')

        site.php("Pet_Runner::resume_site( 'cli', null, array( 'resume_paused' => true ) ); return 1;")
        driver.get(site.url + '/wp-admin/tools.php?page=pet-migrations')
        ctx.check(wait_for(lambda: 'Cut-overs' in body_text(driver)), 'operator screen with cut-overs')
        driver.find_element(By.CSS_SELECTOR, 'form.pet-cutover-verify input[type="submit"]').click()
        alert = driver.switch_to.alert
        ctx.contains(alert.text, 'Compare every row', 'Verify asks for confirmation')
        alert.accept()
        ctx.check(wait_for(lambda: 'Passed.' in body_text(driver), 30), 'verification passed')
        percent = driver.find_element(By.CSS_SELECTOR, 'form.pet-cutover-on input[name="percent"]')
        percent.clear()
        percent.send_keys('5')
        driver.find_element(By.CSS_SELECTOR, 'form.pet-cutover-on input[type="submit"]').click()
        alert = driver.switch_to.alert
        ctx.contains(alert.text, 'Switch orders_v2 on?', 'Switch on asks for confirmation')
        alert.accept()
        ctx.check(wait_for(lambda: 'orders_v2 is on for 5 % of users' in body_text(driver), 30), 'switched on for 5 %')
        driver.execute_script("document.getElementById('pet-cutovers').scrollIntoView();")
        screenshot(driver, ctx, 'wordpress-cutover-controls.png')
        ctx.equal(site.php("return get_option( 'pet_migrate_state' )['flags'];"), {'orders_v2': 5}, 'the cached flag')
    finally:
        driver.quit()
