"""Helpers of the browser tests: `littlegiants app` on a free port, Debian's chromium
(never a downloaded browser), play speed as the browser sees it, and the CPU time and
memory of a process tree from /proc."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from model.classroom.series import FINANCE_VARIABLES

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
START_TIMEOUT_S = 120
ADDRESS_LINE = "littlegiants classroom page:"
RENDER_TIMEOUT_MS = 120_000  # generous: on a busy 2-core machine a redraw can take seconds
QUARTERS = 28  # 2019Q1 to 2025Q4
# A page's first screen is drawn: the Now panel and every chart in view (the little
# giants' at least).
FIRST_SCREEN = (
    "document.querySelector('.lg-now h2') && "
    "[...document.querySelectorAll('.lg-vega')].filter(e => e.dataset.visible === 'true')"
    ".every(e => e.dataset.draws) && document.querySelector('.lg-little_giants [data-draws]')"
)
HAS_CHROMIUM = pytest.mark.skipif(
    not os.access(CHROMIUM, os.X_OK), reason=f"no chromium at {CHROMIUM}"
)


def _wait_until_answering(url: str, server: subprocess.Popen, log: Path) -> None:
    """Wait until the app prints its address (it does once its server has served the
    page's files, as a teacher would see it) and the page answers."""
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"littlegiants app exited with {server.returncode}:\n{log.read_text()}")
        try:
            if ADDRESS_LINE in log.read_text():
                with urllib.request.urlopen(url, timeout=2) as response:
                    if response.status == 200:
                        return
        except OSError:
            pass
        time.sleep(0.2)
    pytest.fail(f"littlegiants app did not answer within {START_TIMEOUT_S} s:\n{log.read_text()}")


@contextmanager
def serve_app(log: Path) -> Iterator[tuple[str, subprocess.Popen]]:
    """`littlegiants app` (the installed command) in its own process group, stopped with
    the whole group; yields its address and process once it answers."""
    from model.cli.classroom import ensure_assets, free_port

    ensure_assets()  # the page's browser files, fetched once if the machine lacks them
    port = free_port("127.0.0.1")
    command = [str(Path(sys.executable).parent / "littlegiants"), "app", "--port", str(port)]
    with log.open("w") as out:
        server = subprocess.Popen(
            command, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        url = f"http://127.0.0.1:{port}/"
        _wait_until_answering(url, server, log)
        yield url, server
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=15)


def process_tree(pid: int) -> list[int]:
    """`pid` and all its descendants (from /proc)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError):
                continue
            children.setdefault(parent, []).append(int(entry.name))
    tree, stack = [], [pid]
    while stack:
        current = stack.pop()
        tree.append(current)
        stack += children.get(current, [])
    return tree


def cpu_seconds(pids: list[int]) -> float:
    """User plus system CPU seconds used so far by these processes (all threads)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def memory_kib(pid: int, field: str) -> int:
    """A memory line of /proc/<pid>/status in KiB: VmHWM (peak resident), VmRSS (now)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    return 0


def load_average() -> float:
    """The machine's one-minute load average (2 cores, shared with other work)."""
    return round(os.getloadavg()[0], 2)


def expect_text(page, text: str) -> None:
    """Wait until the Now panel shows `text`."""
    from playwright.sync_api import expect

    expect(page.locator(".lg-now")).to_contain_text(text, timeout=RENDER_TIMEOUT_MS)


def rows(page, panel: str, dataset: str | None = None) -> int:
    """Rows the panel's chart holds in the browser (all its data sets, or one)."""
    name = "data-rows" if dataset is None else f"data-rows-{dataset}"
    return int(page.locator(f".lg-{panel} .lg-vega").get_attribute(name) or 0)


def held(page, panel: str, dataset: str) -> int:
    """Rows of one data set the panel's chart has received (drawn or not yet)."""
    script = f"(document.querySelector('.lg-{panel} .lg-vega').lgStore['{dataset}'] || []).length"
    return int(page.evaluate(script))


def visible(page, panel: str) -> bool:
    """Whether the panel's chart is on the screen (or near it)."""
    return page.locator(f".lg-{panel} .lg-vega").get_attribute("data-visible") != "false"


DRAWN_IN_VIEW = (
    "[...document.querySelectorAll('.lg-vega')]"
    ".every(e => e.dataset.visible !== 'true' || e.dataset.draws)"
)
PANELS_BOTTOM = (
    "Math.ceil(Math.max(...[...document.querySelectorAll('.lg-panel')]"
    ".map(e => e.getBoundingClientRect().bottom)))"
)
EVERY_ROW_DRAWN = (
    "[...document.querySelectorAll('.lg-vega')].every(e => e.dataset.draws && "
    "Object.entries(e.lgStore).every(([name, rows]) => !e.hasAttribute('data-rows-' + name)"
    " || Number(e.getAttribute('data-rows-' + name)) === rows.length))"
)


def draw_everything(page, height: int = 3200) -> None:
    """A viewport tall enough for every panel, however long its news and cards have
    grown (the page scrolls inside Solara's layout, so the panels are measured, again
    after the charts that came into view have drawn and grown), then wait until every
    chart has drawn all it holds."""
    for _ in range(5):
        page.set_viewport_size({"width": 1280, "height": height})
        page.wait_for_function(DRAWN_IN_VIEW, timeout=RENDER_TIMEOUT_MS)
        bottom = page.evaluate(PANELS_BOTTOM) + 50
        if bottom <= height:
            break
        height = bottom
    page.wait_for_function(EVERY_ROW_DRAWN, timeout=RENDER_TIMEOUT_MS)


def reset_at_scale(page, scale: str) -> None:
    """Pick a scale and press reset."""
    page.locator(".v-input", has_text="Scale (share").locator(".v-select__selection").click()
    page.get_by_role("option", name=scale, exact=True).click()
    page.get_by_role("button", name="Reset").click()
    expect_text(page, f"{scale} of all firms simulated")


# Rows each time-series chart holds once a run (no twin) has drawn its last quarter.
LAST_QUARTER_ROWS = {
    ("little_giants", "lines"): QUARTERS,
    ("supply", "lines"): 2 * QUARTERS,
    ("innovation", "lines"): 2 * QUARTERS,
    ("finance", "finance"): len(FINANCE_VARIABLES) * QUARTERS,
}
# The play is over when the Now panel shows the last quarter and every chart holds
# it, drawn if the chart is on the screen (charts below the fold draw when shown).
DRAWN_TO_THE_END = " && ".join(
    [
        "document.querySelector('.lg-now h2').innerText.includes('2025Q4')",
        *(
            f"(e => (e.lgStore['{dataset}'] || []).length >= {count} && "
            f"(e.dataset.visible === 'false' || "
            f"Number(e.getAttribute('data-rows-{dataset}')) >= {count}))"
            f"(document.querySelector('.lg-{panel} .lg-vega'))"
            for (panel, dataset), count in LAST_QUARTER_ROWS.items()
        ),
    ]
)


def play_to_end(page) -> float:
    """From a reset page: one step, then play until the last quarter is both in the
    Now panel and drawn in every time-series chart; returns quarters per second."""
    from playwright.sync_api import expect

    page.get_by_role("button", name="Step").click()
    expect(page.locator(".lg-now h2")).to_have_text("Now: 2019Q1")  # stepped
    started = time.perf_counter()
    page.get_by_role("button", name="▶").click()
    page.wait_for_function(DRAWN_TO_THE_END, timeout=RENDER_TIMEOUT_MS, polling=20)
    return (QUARTERS - 1) / (time.perf_counter() - started)


def draw_milliseconds(page) -> float:
    """Milliseconds the page's charts have spent drawing so far (all charts)."""
    return float(
        page.evaluate(
            "[...document.querySelectorAll('.lg-vega')]"
            ".reduce((sum, e) => sum + Number(e.dataset.drawMs || 0), 0)"
        )
    )
