"""Fetch the page and its browser files once over HTTP before the first class does.

Solara's server pays two costs on the first request for each file and never again: it
renders its page template, and it compresses each static file (gzip, kept in memory).
Its 4 MB bundle alone takes about half a second to compress on this 2-core machine,
while a browser waits. `littlegiants app` therefore asks its own server for the page
and every compressible file the page loads before it prints the address.
"""

from __future__ import annotations

import re
import time
import urllib.error
import urllib.request

# Files a page loads that its HTML does not name: Solara's page asks RequireJS for
# ipyvue's and ipyvuetify's widget code by module name.
LATE_FILES = (
    "/jupyter/nbextensions/jupyter-vue/nodeps.js",
    "/jupyter/nbextensions/jupyter-vuetify/nodeps.js",
)
# A quoted site path to a script or style sheet, with or without a query.
FILE_IN_PAGE = re.compile(r"""["'](/[^"'\s<>]+?\.(?:js|mjs|css))(?:\?[^"'\s<>]*)?["']""")
# What chromium sends over plain http; the server keeps one compressed copy per encoding.
ACCEPT_ENCODING = "gzip, deflate, br, zstd"


def files_in_page(html: str) -> list[str]:
    """The site paths of the scripts and style sheets a page's HTML names, in order."""
    return list(dict.fromkeys(FILE_IN_PAGE.findall(html)))


def fetch(url: str, timeout_s: float = 30) -> bytes:
    """One GET as a browser would ask (compressed); returns the body as sent."""
    request = urllib.request.Request(url, headers={"Accept-Encoding": ACCEPT_ENCODING})
    with urllib.request.urlopen(request, timeout=timeout_s) as response:
        return response.read()


def wait_until_answering(url: str, timeout_s: float = 120) -> None:
    """Poll `url` until the server answers (it starts after the warm-up)."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            urllib.request.urlopen(url, timeout=2).close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def fetch_page_files(root: str) -> int:
    """Ask the server at `root` (http://host:port) for its page and the files the page
    loads; returns how many files it served (one it lacks is skipped: the browser
    would not get it either)."""
    with urllib.request.urlopen(root + "/", timeout=30) as response:
        html = response.read().decode()
    served = 0
    for path in dict.fromkeys([*files_in_page(html), *LATE_FILES]):
        try:
            fetch(root + path)
            served += 1
        except urllib.error.HTTPError:
            continue
    return served
