"""The first render of an empty Solara page on this machine: the floor under the
classroom page's first render (issue 18 asks for <= 3 s).

Serves a one-heading Solara page the way `littlegiants app` serves the classroom
(`solara run --production`, its server environment), opens it three times in Debian's
chromium and prints the seconds until the heading is on the screen. Each page is a
new browser context, as in the browser test: "cold" is the first page of a fresh
browser, "warm" a later one (no HTTP cache either way). Compare with `first_render_s`
in runs/screens/timing.json (the browser test). Needs the app and dev extras
(Playwright) and /usr/bin/chromium.

    python experiments/solara_floor.py
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

PAGE = """
import solara

@solara.component
def Page():
    solara.HTML(tag="h2", unsafe_innerHTML="Now: ready", classes=["lg-now"])
"""
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]
CHROMIUM_ARGS += ["--disable-background-networking", "--disable-component-update"]
READY = "document.querySelector('.lg-now') && document.querySelector('.lg-now').innerText"


def serve(app: Path, port: int) -> subprocess.Popen:
    solara = Path(sys.executable).parent / "solara"
    command = [str(solara), "run", str(app), "--port", str(port), "--host", "127.0.0.1"]
    command += ["--production", "--no-open", "--log-level", "warning"]
    from model.cli.classroom import SERVER_ENVIRONMENT

    env = os.environ | SERVER_ENVIRONMENT
    return subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip


def wait_until_answering(url: str, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except OSError:
            if time.monotonic() > deadline:
                raise SystemExit(f"solara did not answer at {url} within {seconds:g} s") from None
            time.sleep(0.5)


def main() -> None:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as folder:
        app = Path(folder) / "floor.py"
        app.write_text(PAGE)
        from model.cli.classroom import free_port

        port = free_port("127.0.0.1")
        server = serve(app, port)
        try:
            url = f"http://127.0.0.1:{port}/"
            wait_until_answering(url)
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=os.environ.get("CHROMIUM", "/usr/bin/chromium"),
                    args=CHROMIUM_ARGS,
                )
                for attempt in ("cold", "warm", "warm"):
                    page = browser.new_page()
                    started = time.perf_counter()
                    page.goto(url)
                    page.wait_for_function(READY, polling=20, timeout=60_000)
                    print(f"{attempt}: {time.perf_counter() - started:.2f} s")
                    page.close()
                browser.close()
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=15)


if __name__ == "__main__":
    main()
