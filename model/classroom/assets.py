"""The browser files a Solara page loads, kept on this machine so the page works offline.

A Solara page asks its server for its JavaScript, CSS and fonts under `/_solara/cdn/`;
the server answers from a cache folder and, for a file it lacks, goes to a public CDN,
which a classroom without internet cannot reach. These files are npm packages, so they
are fetched once from the npm registry (`npm pack`) into that cache folder:
`littlegiants app-assets` does it, `littlegiants app` does it when a file is missing.
"""

from __future__ import annotations

import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

# The npm packages (name, version) that Solara 1.64's page template and its grid layout
# load through the CDN proxy with ipyvue 3 (see solara/server/templates/solara.html.j2
# and solara/widgets/vue/gridlayout_v3.vue); a Solara upgrade may change the versions.
PACKAGES: tuple[tuple[str, str], ...] = (
    ("@widgetti/solara-vuetify3-app", "5.2.0"),
    ("requirejs", "2.3.6"),
    ("font-awesome", "4.5.0"),
    ("@widgetti/vue-grid-layout", "2.3.13-alpha.2"),
    # The classroom's own charts (model/classroom/widgets.mjs): Vega only, the version
    # vl-convert compiles Altair's Vega-Lite for (the server compiles the specs).
    ("vega", "6.2.0"),
)
VEGA_VERSIONS = {name: version for name, version in PACKAGES if name.startswith("vega")}
# One file per package that must be there for the page to start.
KEY_FILES = {
    "@widgetti/solara-vuetify3-app": "dist/solara-vuetify-app8.min.js",
    "requirejs": "require.js",
    "font-awesome": "css/font-awesome.min.css",
    "@widgetti/vue-grid-layout": "dist/vue-grid-layout.umd.js",
    "vega": "build/vega.min.js",
}
NPM_TIMEOUT_SECONDS = 300
# The page's own first script (custom.js), served by Solara from an assets folder named in
# SOLARA_ASSETS_EXTRA_LOCATIONS (see `littlegiants app`).
PAGE_SCRIPT_FOLDER = Path(__file__).with_name("browser")


class AssetsError(RuntimeError):
    """The page's browser files are missing and could not be fetched."""


def cache_dir() -> Path:
    """Solara's CDN cache folder (SOLARA_ASSETS_PROXY_CACHE_DIR, by default in the venv)."""
    from solara.server import settings

    return Path(settings.assets.proxy_cache_dir)


def missing_packages(folder: Path | None = None) -> list[tuple[str, str]]:
    """The packages whose key file is not in the cache folder."""
    folder = folder or cache_dir()
    return [
        (name, version)
        for name, version in PACKAGES
        if not (folder / f"{name}@{version}" / KEY_FILES[name]).is_file()
    ]


def fetch_packages(folder: Path | None = None, npm: str | None = None) -> list[str]:
    """Fetch the missing packages with `npm pack` and unpack them into the cache folder.

    Returns the package specs fetched; raises AssetsError if npm is missing or fails.
    """
    folder = folder or cache_dir()
    npm = npm or shutil.which("npm")
    missing = missing_packages(folder)
    if missing and npm is None:
        raise AssetsError(
            "the page's browser files are missing and npm is not installed to fetch them: "
            f"install npm (apt-get install npm) and run `littlegiants app-assets`; "
            f"missing: {', '.join(f'{n}@{v}' for n, v in missing)}"
        )
    fetched = []
    for name, version in missing:
        spec = f"{name}@{version}"
        with tempfile.TemporaryDirectory() as tmp:
            tarball = _npm_pack(npm, spec, Path(tmp))
            _unpack(tarball, folder / spec)
        fetched.append(spec)
    return fetched


def _npm_pack(npm: str, spec: str, into: Path) -> Path:
    """Download one package's tarball from the npm registry; returns its path."""
    try:
        result = subprocess.run(
            [npm, "pack", spec, "--pack-destination", str(into), "--silent"],
            capture_output=True,
            text=True,
            timeout=NPM_TIMEOUT_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise AssetsError(f"npm pack {spec} took over {NPM_TIMEOUT_SECONDS} s") from exc
    tarballs = list(into.glob("*.tgz"))
    if result.returncode != 0 or len(tarballs) != 1:
        raise AssetsError(f"npm pack {spec} failed: {result.stderr.strip()[-500:]}")
    return tarballs[0]


def _unpack(tarball: Path, target: Path) -> None:
    """Unpack an npm tarball (files under package/) into `target`, replacing it whole."""
    staging = target.with_name(target.name + ".partial")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    with tarfile.open(tarball) as archive:
        members = []
        for member in archive.getmembers():
            _, _, inside = member.name.partition("/")  # drop the top folder (package/)
            if inside:
                member.name = inside
                members.append(member)
        archive.extractall(staging, members=members, filter="data")
    shutil.rmtree(target, ignore_errors=True)
    staging.rename(target)  # the folder appears complete or not at all
