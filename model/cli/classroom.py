"""`littlegiants app`: the classroom page on a local Solara server; `app-assets` fetches
the page's browser files once so the page works without internet.

(Not named app.py: a submodule `model.cli.app` would replace the package's Typer `app`.)
"""

from __future__ import annotations

import importlib.util
import os
import socket
import sys
import threading
import time
import warnings
from typing import Annotated

import typer

from model.classroom.session import TITLE
from model.cli import app
from model.cli.common import console
from model.errors import ConfigError

# Solara's server settings are read from the environment when it is imported: no usage
# reports to a third party, the page's own title, no Solara banner over the charts.
SERVER_ENVIRONMENT = {
    "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "false",
    "SOLARA_THEME_SHOW_BANNER": "false",
    "SOLARA_THEME_TITLE": TITLE,
}


def page_script_environment() -> dict[str, str]:
    """Solara's setting that serves the page's own first script (custom.js), which starts
    the page's late scripts early; empty if an install left the folder out."""
    from model.classroom.assets import PAGE_SCRIPT_FOLDER

    if not (PAGE_SCRIPT_FOLDER / "custom.js").is_file():
        return {}
    return {"SOLARA_ASSETS_EXTRA_LOCATIONS": str(PAGE_SCRIPT_FOLDER)}


def free_port(host: str) -> int:
    """A TCP port nobody listens on at `host` right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


# What the page imports that only the `app` extra installs.
APP_MODULES = ("solara", "altair", "mesa.visualization", "vl_convert")
APP_MISSING = (
    "the classroom page needs the app extra, which is not installed (missing: {}): "
    "run `make app`, or `pip install -e '.[app]'` in this environment"
)


def require_app_extra() -> None:
    """Stop with one line saying what to run when the page's packages are missing."""
    missing = [name for name in APP_MODULES if not _importable(name)]
    if missing:
        raise ConfigError(APP_MISSING.format(", ".join(missing)))


def _importable(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except ImportError:  # a parent package is missing
        return False


def ensure_assets() -> None:
    """Fetch the page's browser files if any is missing (needs the npm registry once)."""
    from model.classroom.assets import AssetsError, fetch_packages, missing_packages

    missing = missing_packages()
    if not missing:
        return
    names = ", ".join(f"{name}@{version}" for name, version in missing)
    console.print(f"fetching the page's browser files once from the npm registry: {names}")
    try:
        fetch_packages()
    except AssetsError as exc:
        raise ConfigError(str(exc)) from None


@app.command("app")
def serve_app(
    port: Annotated[int, typer.Option(help="Port to serve on (0: any free port)")] = 8765,
    host: Annotated[str, typer.Option(help="Address to listen on")] = "127.0.0.1",
) -> None:
    """Start the classroom page (Solara) and print its address; Ctrl+C stops it.

    Example: littlegiants app --port 8765, then open http://127.0.0.1:8765 in a browser.
    """
    if not 0 <= port <= 65535:
        raise ConfigError(f"--port {port}: allowed 0 <= port <= 65535")
    require_app_extra()
    os.environ.update(SERVER_ENVIRONMENT | page_script_environment())
    ensure_assets()
    port = port or free_port(host)
    from model.classroom.warm import warm_up

    seconds = warm_up()  # the first page then draws as fast as any later one
    console.print(f"page warmed up in {seconds:.1f} s")
    # The address is printed once the server has served the page's files (below).
    threading.Thread(target=announce_when_served, args=(host, port), daemon=True).start()
    from solara.__main__ import cli as solara_cli

    # Solara warns at every page that a plain-http session cookie falls back to
    # samesite=lax: true on a classroom's local network and nothing a teacher can act on.
    warnings.filterwarnings("ignore", message="Cookies with samesite=none require https")
    arguments = ["run", "model.classroom.page", "--host", host, "--port", str(port)]
    arguments += ["--production", "--no-open", "--log-level", "warning"]
    try:
        solara_cli(arguments, standalone_mode=False)
    except KeyboardInterrupt:
        sys.exit(0)


def announce_when_served(host: str, port: int) -> None:
    """Once the server answers, have it render its page and compress the files the page
    loads (model/classroom/first_fetch.py), then print the address."""
    from model.classroom.first_fetch import fetch_page_files, wait_until_answering

    local = {"0.0.0.0": "127.0.0.1", "": "127.0.0.1", "::": "::1"}.get(host, host)
    root = f"http://[{local}]:{port}" if ":" in local else f"http://{local}:{port}"
    started = time.perf_counter()
    try:
        wait_until_answering(root + "/readyz")
        count = fetch_page_files(root)
        console.print(f"page files served once ({count}) in {time.perf_counter() - started:.1f} s")
    except OSError as exc:  # the page still works, its first visitor just waits longer
        console.print(f"could not fetch the page files once: {exc}")
    console.print(f"[green]littlegiants classroom page:[/] http://{host}:{port}  (Ctrl+C stops it)")


@app.command("app-assets")
def app_assets() -> None:
    """Fetch the page's browser files (npm packages) so `littlegiants app` works offline.

    Example: littlegiants app-assets   (once, while online; make test does it for you)
    """
    require_app_extra()
    from model.classroom.assets import cache_dir

    ensure_assets()
    console.print(f"[green]page files ready in[/] {cache_dir()}")
