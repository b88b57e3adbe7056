"""The page's first seconds: `littlegiants app` has its server serve the page's files
once before it gives the address, and the page's first script starts the two late
scripts (ipyvue's template compiler, Vega) early, in a way ipyvue and the charts take
up instead of loading them again."""

from __future__ import annotations

import re
import sys
from pathlib import Path

from model.classroom.assets import PAGE_SCRIPT_FOLDER, VEGA_VERSIONS
from model.classroom.first_fetch import fetch_page_files, files_in_page

FIRST_SCRIPT = PAGE_SCRIPT_FOLDER / "custom.js"
NBEXTENSIONS = Path(sys.prefix) / "share" / "jupyter" / "nbextensions"


def test_the_files_a_page_names_are_found_once_each_in_order() -> None:
    html = """<link href="/_solara/cdn/a@1/dist/main.css" rel="stylesheet">
    <script src="/_solara/cdn/a@1/dist/app.min.js"></script>
    const themeCssUrls = {"light": "/static/assets/theme-light.css?v=36a2", "dark": "/x.css?v=1"};
    <script src="https://example.org/elsewhere.js"></script> /* path=/static/inline.js */
    const early = root + "/_solara/cdn/a@1/dist/app.min.js";"""
    assert files_in_page(html) == [
        "/_solara/cdn/a@1/dist/main.css",
        "/_solara/cdn/a@1/dist/app.min.js",
        "/static/assets/theme-light.css",
        "/x.css",
    ]


def test_the_first_script_names_the_files_it_starts_so_the_server_serves_them_first() -> None:
    found = files_in_page(FIRST_SCRIPT.read_text())
    assert found == [
        "/jupyter/nbextensions/jupyter-vue/nodeps-vue-sfc.js",
        f"/_solara/cdn/vega@{VEGA_VERSIONS['vega']}/build/vega.min.js",
    ]


def test_ipyvue_takes_the_early_compiler_from_the_chunk_list_it_reads() -> None:
    """The compiler run early waits in webpack's chunk list; ipyvue's own code must read
    that list (a different ipyvue would load it again, which costs time, not a page)."""
    widget_code = (NBEXTENSIONS / "jupyter-vue" / "nodeps.js").read_text()
    compiler = (NBEXTENSIONS / "jupyter-vue" / "nodeps-vue-sfc.js").read_text()
    pushed = re.search(r'\(globalThis\.(webpackChunk\w+)=[^)]*\)\.push\(\[\["vue-sfc"\]', compiler)
    assert pushed is not None
    assert f"globalThis.{pushed.group(1)}" in widget_code
    assert re.search(r'\.e\("vue-sfc"\)', widget_code)


def test_a_file_the_server_lacks_does_not_stop_the_others(tmp_path: Path) -> None:
    """Served from a plain folder: the page names two files, one of them missing."""
    import functools
    import threading
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    (tmp_path / "index.html").write_text('<script src="/gone.js"></script><link href="/a.css">')
    (tmp_path / "a.css").write_text("body {}")
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(tmp_path))
    with ThreadingHTTPServer(("127.0.0.1", 0), handler) as server:
        threading.Thread(target=server.serve_forever, daemon=True).start()
        served = fetch_page_files(f"http://127.0.0.1:{server.server_address[1]}")
        server.shutdown()
    assert served == 1  # a.css; gone.js and the two widget scripts are missing
