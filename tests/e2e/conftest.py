"""Real-browser fixtures: a Streamlit server on a free local port and Debian's chromium via Playwright.

Never downloads a browser: Playwright drives /usr/bin/chromium (apt package `chromium`).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from sozialatlas import paths

CHROMIUM = os.environ.get("SOZIALATLAS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--disable-dev-shm-usage",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(db_path: Path, extra_env: dict | None = None):
    port = _free_port()
    env = dict(os.environ, SOZIALATLAS_DB=str(db_path), **(extra_env or {}))
    log = open(Path(db_path).parent / f"streamlit-{port}.log", "w")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(paths.ROOT / "app.py"),
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
        ],
        cwd=paths.ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"Streamlit beendet: {Path(log.name).read_text()}")
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return proc, url
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError("Streamlit-Server startet nicht")


@pytest.fixture(scope="session")
def server(db_path):
    proc, url = start_server(db_path)
    yield url
    stop_server(proc)


def stop_server(proc) -> None:
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture
def admin_server(db_path, tmp_path):
    """An admin instance (pages unlocked) on its own copy of the test database, so writes stay local."""
    path = tmp_path / "admin.duckdb"
    shutil.copyfile(db_path, path)
    proc, url = start_server(path, {"SOZIALATLAS_ADMIN_OPEN": "1"})
    yield url, path
    stop_server(proc)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        pytest.fail("Debian-Paket chromium fehlt (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="de-DE")
    pg = ctx.new_page()
    yield pg
    ctx.close()


def wait_for_app(page, timeout: float = 30_000) -> None:
    """Streamlit is idle: connected, script not running, no skeletons or stale elements left."""
    page.wait_for_function(
        """() => {
            const app = document.querySelector('[data-testid="stApp"]');
            if (!app) return false;
            if (app.getAttribute('data-test-connection-state') !== 'CONNECTED') return false;
            if (app.getAttribute('data-test-script-state') !== 'notRunning') return false;
            return !document.querySelector('[data-testid="stSkeleton"], [data-testid="stAppSkeleton"], [data-stale="true"]');
        }""",
        timeout=timeout,
    )
    # and the page content has settled: no element added, removed or re-texted for 150 ms (React commits
    # what the finished script sent in a few frames); capped so an animation can never stall a test
    page.evaluate(
        """() => new Promise((resolve) => {
            let timer;
            const obs = new MutationObserver(() => { clearTimeout(timer); timer = setTimeout(done, 150); });
            function done() { obs.disconnect(); resolve(); }
            obs.observe(document.body, { subtree: true, childList: true, characterData: true });
            timer = setTimeout(done, 150);
            setTimeout(done, 5000);
        })"""
    )


def choose(page, label: str, option: str) -> None:
    """Pick an option in a Streamlit selectbox (a react-aria combobox) by its label, like a user."""
    page.get_by_role("combobox", name=label).click()
    page.get_by_role("option", name=option, exact=True).click()
    wait_for_app(page)


def artifacts() -> Path:
    """Screenshots of browser tests land here (ignored by git) for a person to look at."""
    d = paths.ROOT / "test-artifacts"
    d.mkdir(exist_ok=True)
    return d


def fill(page, label: str, text: str) -> None:
    """Type into a Streamlit text input; Streamlit takes the value when the field loses focus."""
    box = page.get_by_label(label, exact=True)
    box.fill(text)
    box.press("Tab")
    wait_for_app(page)


def pytest_collection_modifyitems(items):
    """Everything under tests/e2e drives a real browser or real servers: one marker for all of them, so
    `-m "not browser"` gives the fast unit and AppTest suite."""
    for item in items:
        if "/tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
