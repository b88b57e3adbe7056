"""A class at once: ten pages in one chromium play the classroom page against one
server at the same time (scale 0.02). Measures each page's quarters per second and the
server's peak memory; checks that one page's sliders never change another's run.

Run by `make loadtest` (LITTLEGIANTS_LOADTEST=1), not by `make test`: it takes about
two minutes of this 2-core machine. Writes runs/screens/load.json.
"""

from __future__ import annotations

import json
import os
import threading
import time

import pytest
from browser import (
    CHROMIUM,
    CHROMIUM_ARGS,
    DRAWN_TO_THE_END,
    FIRST_SCREEN,
    HAS_CHROMIUM,
    QUARTERS,
    RENDER_TIMEOUT_MS,
    SCREENS,
    cpu_seconds,
    load_average,
    memory_kib,
    process_tree,
    serve_app,
)

PAGES = 10
SCALE = 0.02  # the page's default
# Page -> (slider, key pressed four times, setting, value reached, Now panel says).
MOVED = {
    0: ("Restrictions ×", "ArrowLeft", "severity_scale", 0.0, "restrictions ×0,"),
    1: ("Fiscal awards ×", "ArrowRight", "support_scale", 2.0, "Fiscal awards ×2;"),
}
AS_SHIPPED = ("restrictions ×1,", "Fiscal awards ×1;")

pytestmark = [
    pytest.mark.slow,
    HAS_CHROMIUM,
    pytest.mark.skipif(
        os.environ.get("LITTLEGIANTS_LOADTEST") != "1",
        reason="the load test runs with `make loadtest` (LITTLEGIANTS_LOADTEST=1)",
    ),
]


class MemorySampler(threading.Thread):
    """The server tree's resident memory, sampled every 0.2 s; its peak in KiB."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak_kib, self.done = pid, 0, threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.2):
            try:
                resident = sum(memory_kib(p, "VmRSS") for p in process_tree(self.pid))
            except OSError:
                continue
            self.peak_kib = max(self.peak_kib, resident)


def final_little_giants(page) -> float:
    """This run's national little giants in the last quarter the page's chart holds."""
    return float(
        page.evaluate(
            "document.querySelector('.lg-little_giants .lg-vega').lgStore.lines"
            ".filter(r => r.run === 'this run').slice(-1)[0].value"
        )
    )


def expected_little_giants(moves: dict) -> float:
    """The same run in this process: one quarter, the sliders moved, then to the end."""
    from model.classroom.session import ClassroomEconomy

    economy = ClassroomEconomy(scale=SCALE)
    economy.step()
    economy.request_changes(**moves)
    while economy.running:
        economy.step()
    return float(economy.datacollector.model_vars["national_little_giants"][-1])


def move_slider(page, label: str, key: str) -> None:
    """Four steps of a slider (by keyboard, as a student could)."""
    slider = page.locator(".v-input", has_text=label).locator("[role=slider]")
    slider.focus()
    for _ in range(4):
        slider.press(key)


def open_pages(browser, url: str) -> tuple[list, list[float]]:
    """Ten pages, each in its own browser context (a student's browser), opened one
    after the other and stepped once; returns them with the seconds until each first
    screen was drawn (as in the browser test), while the other pages stood open."""
    from playwright.sync_api import expect

    pages, renders = [], []
    for _ in range(PAGES):
        page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
        started = time.perf_counter()
        page.goto(url)
        page.wait_for_function(FIRST_SCREEN, timeout=RENDER_TIMEOUT_MS, polling=20)
        renders.append(round(time.perf_counter() - started, 2))
        page.wait_for_selector(".lg-network .lg-vega canvas", timeout=RENDER_TIMEOUT_MS)
        page.get_by_role("button", name="Step").click()
        expect(page.locator(".lg-now h2")).to_have_text("Now: 2019Q1")
        pages.append(page)
    return pages, renders


WATCH = f"""() => {{
    window.lgStarted = performance.now();
    const timer = setInterval(() => {{
        if ({DRAWN_TO_THE_END}) {{ window.lgDone = performance.now(); clearInterval(timer); }}
    }}, 20);
}}"""


def test_ten_pages_play_at_once_each_with_its_own_economy(tmp_path) -> None:
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=RENDER_TIMEOUT_MS)
    with serve_app(tmp_path / "server.log") as (url, server):
        sampler = MemorySampler(server.pid)
        sampler.start()
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                pages, renders = open_pages(browser, url)
                for index, (label, key, *_) in MOVED.items():
                    move_slider(pages[index], label, key)
                load_before, server_cpu = load_average(), cpu_seconds(process_tree(server.pid))
                for page in pages:  # all ten play at once
                    page.evaluate(WATCH)
                    page.get_by_role("button", name="▶").click()
                for page in pages:
                    page.wait_for_function("window.lgDone !== undefined", timeout=300_000)
                server_cpu = cpu_seconds(process_tree(server.pid)) - server_cpu
                seconds = [
                    page.evaluate("(window.lgDone - window.lgStarted) / 1000") for page in pages
                ]
                finals = [final_little_giants(page) for page in pages]
                now = [page.locator(".lg-now").inner_text() for page in pages]
                pages[0].screenshot(path=SCREENS / "load_page0.png")
            finally:
                browser.close()
        sampler.done.set()
        peak_kib = memory_kib(server.pid, "VmHWM")
    speeds = [round((QUARTERS - 1) / s, 2) for s in seconds]
    report = {
        "pages": PAGES,
        "scale": SCALE,
        "quarters_per_second_per_page": speeds,
        "first_render_s_per_page": renders,
        "server_cpu_ms_per_quarter": round(1000 * server_cpu / (PAGES * (QUARTERS - 1))),
        "server_peak_resident_mib": round(peak_kib / 1024),
        "server_tree_sampled_peak_mib": round(sampler.peak_kib / 1024),
        "load_average_before_play": load_before,
        "load_average_after_play": load_average(),
    }
    SCREENS.mkdir(parents=True, exist_ok=True)
    (SCREENS / "load.json").write_text(json.dumps(report, indent=1))
    print(f"load test: {json.dumps(report)}")

    # Each session its own economy: the same seed and sliders give the same run as
    # in this process, and a slider moved on one page is news on that page only.
    default = expected_little_giants({})
    for index, final in enumerate(finals):
        moves = {name: value for i, (_, _, name, value, _) in MOVED.items() if i == index}
        assert final == pytest.approx(expected_little_giants(moves) if moves else default)
    assert finals[0] != default and finals[1] != default
    for index, text in enumerate(now):
        moved = MOVED[index][-1] if index in MOVED else None
        assert all(said in text for said in AS_SHIPPED if said[:5] != (moved or "")[:5])
        assert moved is None or moved in text
    assert max(peak_kib, sampler.peak_kib) < 2 * 1024 * 1024  # under 2 GiB
    assert min(speeds) > 0.5  # the goal (>= 3 a page) is reported; this catches a stall
