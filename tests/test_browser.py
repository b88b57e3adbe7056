"""The classroom page in a real browser: Debian's chromium, driven by Playwright, against
`littlegiants app` on a free local port. Never downloads a browser."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# Without the background-networking flags chromium keeps calling home on a closed network.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENS = Path(__file__).resolve().parents[1] / "runs" / "screens"
START_TIMEOUT_S = 90
RENDER_TIMEOUT_MS = 90_000  # generous: on a busy 2-core machine a redraw can take seconds
CONTROLS = [
    "Scenario",
    "Fiscal awards ×",
    "Guidance funds ×",
    "Bank credit limit",
    "High-tech zones",
    "Restrictions ×",
    "Restrictions begin",
    "Seed",
    "Scale (share of firms simulated)",
]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not os.access(CHROMIUM, os.X_OK), reason=f"no chromium at {CHROMIUM}"),
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_until_answering(url: str, server: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"littlegiants app exited with {server.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    pytest.fail(f"littlegiants app did not answer within {START_TIMEOUT_S} s:\n{log.read_text()}")


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`littlegiants app` in its own process group, stopped with the whole group."""
    from model.cli.classroom import ensure_assets

    ensure_assets()  # the page's browser files, fetched once if the machine lacks them
    port = _free_port()
    log = tmp_path_factory.mktemp("app") / "server.log"
    command = [str(Path(sys.executable).parent / "littlegiants"), "app", "--port", str(port)]
    with log.open("w") as out:
        server = subprocess.Popen(
            command, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        url = f"http://127.0.0.1:{port}/"
        _wait_until_answering(url, server, log)
        yield url
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=15)


def _chart_source(page) -> str:
    return page.locator(".lg-little_giants img").get_attribute("src")


def _step(page, times: int) -> list[float]:
    """Press STEP `times` times, each time until the little-giants chart is redrawn."""
    seconds = []
    for _ in range(times):
        before, started = _chart_source(page), time.perf_counter()
        page.get_by_role("button", name="Step").click()
        page.wait_for_function(
            "old => document.querySelector('.lg-little_giants img').src !== old",
            arg=before,
            timeout=RENDER_TIMEOUT_MS,
        )
        seconds.append(time.perf_counter() - started)
    return seconds


def _dot_to_click() -> tuple[int, float, float]:
    """A supplier of the page's starting network and where its dot is in the picture
    (fractions of width and height): the page starts from the same seeded economy."""
    from model.classroom.network import network_figure, node_positions
    from model.classroom.page import ClassroomEconomy
    from model.classroom.session import network_sample

    model = ClassroomEconomy()
    fig = network_figure(model)
    _, suppliers = node_positions(model, network_sample(model))
    target = suppliers[suppliers["firm_id"] != model.followed_firm_id].iloc[0]
    fig.draw_without_rendering()  # the layout of the PNG
    x, y = fig.axes[0].transData.transform((target["x"], target["y"]))
    width, height = fig.get_figwidth() * fig.dpi, fig.get_figheight() * fig.dpi
    return int(target["firm_id"]), x / width, 1 - y / height


def test_classroom_page_steps_and_redraws_in_chromium(app_url: str) -> None:
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=RENDER_TIMEOUT_MS)
    SCREENS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            started = time.perf_counter()
            page.goto(app_url)
            page.wait_for_selector(".lg-little_giants img", timeout=RENDER_TIMEOUT_MS)
            first_render = time.perf_counter() - started
            expect(page).to_have_title("Little giants classroom")
            for label in CONTROLS:
                expect(page.get_by_text(label, exact=True).first).to_be_visible()
            for button in ("Reset", "Step"):
                expect(page.get_by_role("button", name=button)).to_be_visible()
            initial_chart = _chart_source(page)

            # A click on a dot of the network follows that firm in the firm card.
            firm_id, x, y = _dot_to_click()
            network = page.locator(".lg-network img")
            box = network.bounding_box()
            network.click(position={"x": x * box["width"], "y": y * box["height"]})
            expect(page.locator(".lg-firm h3")).to_have_text(f"Firm card: firm {firm_id}")

            # Move the restriction-severity slider two steps up, then RESET applies it.
            slider = page.locator(".v-input", has_text="Restrictions ×").locator("[role=slider]")
            slider.focus()
            slider.press("ArrowRight")
            slider.press("ArrowRight")
            expect(slider).to_have_attribute("aria-valuenow", "1.5")
            page.get_by_role("button", name="Reset").click()
            expect(page.locator(".lg-now")).to_contain_text("restrictions ×1.5")

            step_seconds = _step(page, 3)
            expect(page.locator(".lg-now")).to_contain_text("Now: 2019Q3")
            assert _chart_source(page) != initial_chart

            card = page.locator(".lg-firm h3")
            before = card.inner_text()
            page.get_by_role("button", name="Follow a random firm").click()
            expect(card).not_to_have_text(before)

            page.locator(".lg-now").scroll_into_view_if_needed()
            page.screenshot(path=SCREENS / "classroom.png")
            page.set_viewport_size({"width": 1280, "height": 1900})
            page.screenshot(path=SCREENS / "classroom_full.png")
        finally:
            browser.close()
    timing = {
        "first_render_s": round(first_render, 2),
        "step_s": [round(s, 2) for s in step_seconds],
    }
    (SCREENS / "timing.json").write_text(json.dumps(timing))
    print(f"classroom page: {timing}")
