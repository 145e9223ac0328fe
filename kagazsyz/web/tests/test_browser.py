"""The citizen's journey in a real headless Chromium against a real server on loopback.

The server is a separate process with its own SQLite database, prepared the way `make demo` does.
Skipped only when Chromium is absent and REQUIRE_BROWSER is not set (CI sets it).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium")
CHROMEDRIVER = shutil.which("chromedriver")

pytestmark = pytest.mark.skipif(
    (CHROMIUM is None or CHROMEDRIVER is None) and os.environ.get("REQUIRE_BROWSER") != "1",
    reason="chromium and chromedriver are not installed (apt-get install chromium chromium-driver)",
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _kagazsyz(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "kagazsyz.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    return result.stdout


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    work: Path = tmp_path_factory.mktemp("browser")
    env = {
        **os.environ,
        "KAGAZSYZ_ENV": "demo",
        "KAGAZSYZ_VAR": str(work),
        "DATABASE_URL": f"sqlite:///{work / 'db.sqlite3'}",
    }
    _kagazsyz(env, "migrate", "-v", "0")
    _kagazsyz(env, "population", "generate", "--size", "300")
    import json

    samples = json.loads(_kagazsyz(env, "population", "sample", "--json"))
    pin = next(
        s["personal_number"]
        for s in samples
        if s["facts"].get("tax_debt_som") == 0 and s["facts"].get("age", 0) >= 18
    )
    port, registries_port = _free_port(), _free_port()
    # The whole platform as `make demo` runs it: sandbox registries over X-Road REST, a worker,
    # and the web server.
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "kagazsyz.cli",
            "demo",
            "serve",
            "--port",
            str(port),
            "--registries-port",
            str(registries_port),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(base + "/", timeout=2)  # noqa: S310
            break
        except OSError:
            time.sleep(0.2)
    try:
        yield base, pin
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=20)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM or "/usr/bin/chromium"
    for flag in (
        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--window-size=390,844",
    ):  # fmt: skip
        options.add_argument(flag)
    driver = webdriver.Chrome(
        service=Service(CHROMEDRIVER or "/usr/bin/chromedriver"), options=options
    )
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()


def _wait_for(browser, css: str):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(browser, 15).until(
        expected_conditions.presence_of_element_located((By.CSS_SELECTOR, css))
    )


def test_citizen_applies_and_gets_a_signed_certificate_in_russian(server, browser) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    base, pin = server
    browser.get(base + "/?lang=ru")
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "ru"
    browser.find_element(By.LINK_TEXT, "Войти").click()
    browser.find_element(By.ID, "pin").send_keys(pin)
    browser.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
    _wait_for(browser, "header form")  # the log-out button appears once logged in
    browser.get(base + "/services/WORK-04/")
    assert "Лицевой счёт налогоплательщика" in browser.page_source
    browser.find_element(By.CSS_SELECTOR, "a.button").click()
    browser.find_element(By.ID, "f-presented_to").send_keys("Айыл Банк")
    browser.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
    _wait_for(browser, "ol.timeline")
    # The worker fetches the evidence over X-Road REST; the page refreshes itself until then.
    WebDriverWait(browser, 30).until(lambda driver: "Документ выдан" in driver.page_source)
    link = browser.find_element(By.PARTIAL_LINK_TEXT, "(PDF)").get_attribute("href")
    cookies = "; ".join(f"{c['name']}={c['value']}" for c in browser.get_cookies())
    request = urllib.request.Request(link, headers={"Cookie": cookies})  # noqa: S310
    pdf = urllib.request.urlopen(request, timeout=10).read()  # noqa: S310
    assert pdf.startswith(b"%PDF")


def test_language_switch_and_keyboard_focus_order(server, browser) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    base, _ = server
    browser.get(base + "/?lang=ky")
    assert browser.find_element(By.TAG_NAME, "h1").text.startswith("Төрөлгөндөн")
    browser.find_element(By.LINK_TEXT, "English").click()
    _wait_for(browser, 'html[lang="en"]')
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en"
    body = browser.find_element(By.TAG_NAME, "body")
    body.send_keys(Keys.TAB)
    first = browser.switch_to.active_element
    assert first.get_attribute("class") == "skip"  # the first stop skips the menus


def test_verify_page_says_invalid_for_a_changed_qr(server, browser) -> None:
    from selenium.webdriver.common.by import By

    base, _ = server
    browser.get(base + "/verify?lang=en")
    browser.find_element(By.ID, "qr").send_keys("KG1:6BFOXN*TS0BI$ZD")
    browser.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
    assert "INVALID" in _wait_for(browser, "#verdict").text
