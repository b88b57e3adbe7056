"""Which chart library draws a growing chart fastest here: the classroom page's own
streamed Vega-Lite widget, Solara's FigureAltair, Solara's FigurePlotly, or Mesa's
default (matplotlib pictures, through Solara's FigureMatplotlib).

Each is one chart of two lines (a run and its twin) that gains a point per line each
quarter, 28 quarters each after 15 ms of CPU standing in for the model's step, in
Debian's chromium. The time runs from the first quarter until the browser shows the
last one; quarters per second are 27 over that time, three times each, on a free port
per library; "pictures drawn" counts the different charts the browser showed (a
library that cannot keep up skips quarters).

    python experiments/chart_speed.py          # writes runs/screens/chart_speed.json

The page is experiments/chart_speed_page.py. Needs the dev extra; FigurePlotly also
needs `pip install plotly anywidget` (skipped without them); FigureAltair loads vega 5
from the page files (fetched once from npm, as `littlegiants app-assets` does).
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from chart_speed_page import DRAWN, LIBRARIES, QUARTERS, SHOWN

PAGE = Path(__file__).with_name("chart_speed_page.py")
REPEATS = 3
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip


SOLARA_VEGA = (("vega", "5"), ("vega-lite", "5"), ("vega-embed", "6"))  # FigureAltair's


def fetch_solara_vega() -> None:
    """Solara's own Vega-Lite widget loads vega 5 through the page files: fetch once."""
    import tempfile

    from model.classroom.assets import _npm_pack, _unpack, cache_dir

    for name, version in SOLARA_VEGA:
        target = cache_dir() / f"{name}@{version}"
        if not (target / "build").is_dir():
            with tempfile.TemporaryDirectory() as tmp:
                _unpack(_npm_pack("npm", f"{name}@{version}", Path(tmp)), target)


def cpu_seconds(pid: int) -> float:
    """CPU seconds used so far by one process (all threads)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(library: str, browser) -> dict:
    """One library: a server of its own, one page, 28 quarters played; the speed."""
    import signal
    import socket
    import subprocess
    import urllib.request

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    environment = {**os.environ, "LG_CHART": library, "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "false"}
    solara_command = Path(sys.executable).parent / "solara"
    command = [str(solara_command), "run", str(PAGE), "--port", str(port), "--production"]
    command += ["--no-open", "--log-level", "warning"]
    server = subprocess.Popen(
        command, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip
    try:
        url = f"http://127.0.0.1:{port}/"
        for _ in range(600):
            if server.poll() is not None:
                raise RuntimeError(
                    f"solara run {PAGE.name} ({library}) exited: {server.returncode}"
                )
            try:
                urllib.request.urlopen(url, timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        # Count the different pictures the chart shows: a library that falls behind
        # draws fewer than 28 (it skips quarters), so speed alone would flatter it.
        page.add_init_script(
            "window.lgFrames = new Set(); new MutationObserver(() => {"
            f"const shown = {SHOWN[library]}; if (shown) window.lgFrames.add(shown);"
            "}).observe(document, {subtree: true, childList: true, attributes: true,"
            " characterData: true});"
        )
        page.goto(url)
        page.wait_for_selector(".lg-play", timeout=120_000)
        time.sleep(2)  # the first, empty chart drawn
        cpu, load = cpu_seconds(server.pid), os.getloadavg()[0]
        started = time.perf_counter()
        page.locator(".lg-play").click()
        page.wait_for_function(DRAWN[library], timeout=300_000, polling=20)
        seconds = time.perf_counter() - started
        page.wait_for_timeout(300)
        drawn = page.evaluate("window.lgFrames.size")
        page.close()
        return {
            "quarters_per_second": round((QUARTERS - 1) / seconds, 2),
            "pictures_drawn": drawn,
            "server_cpu_ms_per_quarter": round(1000 * (cpu_seconds(server.pid) - cpu) / QUARTERS),
            "load_average": round(load, 2),
        }
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def main() -> None:
    """Measure every library that is installed, three times each, and write the table."""
    import importlib.util

    from playwright.sync_api import sync_playwright

    fetch_solara_vega()
    libraries = [
        name for name in LIBRARIES
        if name != "plotly" or all(importlib.util.find_spec(m) for m in ("plotly", "anywidget"))
    ]  # fmt: skip
    results: dict[str, list] = {name: [] for name in libraries}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=os.environ.get("CHROMIUM", "/usr/bin/chromium"), args=CHROMIUM_ARGS
        )
        for _ in range(REPEATS):  # interleaved, so a busy minute hurts all alike
            for library in libraries:
                results[library].append(measure(library, browser))
                print(library, results[library][-1], flush=True)
        browser.close()
    table = {}
    for name, runs in results.items():
        best = max(r["quarters_per_second"] for r in runs)
        table[name] = {"best_quarters_per_second": best, "runs": runs}
    out = Path(__file__).resolve().parents[1] / "runs" / "screens" / "chart_speed.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(table, indent=1))
    for name, row in table.items():
        print(f"{name:>10}: {row['best_quarters_per_second']:6.2f} quarters a second (best of 3)")


if __name__ == "__main__":
    main()
