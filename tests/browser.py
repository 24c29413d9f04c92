"""Helpers for real-browser tests: a Streamlit server on a free port and Debian's Chromium."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# Screenshots refresh docs/screenshots only when asked; otherwise they go to a temp folder.
REFRESH_ENV = "REGLAB_REFRESH_SCREENSHOTS"
SCREENSHOTS = (
    ROOT / "docs" / "screenshots"
    if os.environ.get(REFRESH_ENV)
    else Path(tempfile.gettempdir()) / "reglab-screenshots"
)
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class AppServer:
    """`streamlit run app.py` in its own process group: start, kill -9 (with its workers), start
    again on the same port."""

    def __init__(self, env: dict | None = None, port: int | None = None) -> None:
        self.env = {**os.environ, **(env or {})}
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None
        # the server's output, read when the test ends: a traceback in it fails the test
        self.log = Path(tempfile.mkdtemp(prefix="reglab-server-")) / "server.log"

    def start(self) -> str:
        log = self.log.open("ab")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                "app.py",
                "--server.port",
                str(self.port),
                "--server.headless",
                "true",
                "--server.address",
                "127.0.0.1",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its worker processes share its group: kill() ends all
        )
        log.close()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                time.sleep(0.3)
        return self.url

    def kill(self) -> None:
        """SIGKILL the server and its workers at once: no shutdown, no last save."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.kill()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)  # workers left behind, if any

    def tracebacks(self) -> list[str]:
        """Every traceback the server (or a worker) printed, with what follows it."""
        text = self.log.read_text(encoding="utf-8", errors="replace") if self.log.exists() else ""
        return [part[:1500] for part in text.split("Traceback (most recent call last)")[1:]]


@contextlib.contextmanager
def streamlit_server(env: dict | None = None):
    """Run `streamlit run app.py` until the block ends; yields its base URL. A traceback in
    the server's log fails the test (a learner never sees it, the operator's log fills)."""
    server = AppServer(env)
    try:
        yield server.start()
    finally:
        server.stop()
    assert_clean_log(server)


def assert_clean_log(server: AppServer) -> None:
    if found := server.tracebacks():
        pytest.fail(f"the server logged {len(found)} traceback(s); the first:\n{found[0]}")


@contextlib.contextmanager
def chromium_browser():
    """Debian's Chromium under Playwright (never a downloaded browser); new contexts at will."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: the test command installs it with apt-get.")
        pytest.skip(f"{CHROMIUM} not installed (apt-get install -y chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@contextlib.contextmanager
def chromium_page(width: int = 1400, height: int = 1000):
    """A Playwright page in Debian's Chromium (never a downloaded browser)."""
    with chromium_browser() as browser:
        yield browser.new_page(viewport={"width": width, "height": height})


def shot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=False)
    return path


def shot_at(page, locator, name: str) -> Path:
    """Scroll `locator` to the top of the window, then take the screenshot."""
    locator.evaluate("element => element.scrollIntoView({block: 'start'})")
    page.wait_for_timeout(700)
    return shot(page, name)


PLOT_POINTS = """() => {
  const plots = [...document.querySelectorAll('[data-testid=stMain] .js-plotly-plot')];
  const loss = plots.find(p => String(p.layout?.title?.text ?? '').includes('Loss'));
  const train = loss && loss.data.find(t => t.name === 'train');
  return train && train.x ? train.x.length : 0;
}"""
