"""The package layout the README shows stays true: few modules at the top of `model/`,
no source file past 350 lines (issue 12)."""

from __future__ import annotations

from pathlib import Path

import model

PACKAGE = Path(model.__file__).parent
MAX_LINES = 350
MAX_TOP_MODULES = 12


def test_no_source_file_of_the_package_grows_past_350_lines() -> None:
    sources = [*PACKAGE.rglob("*.py"), *PACKAGE.rglob("*.mjs")]
    assert len(sources) > 50
    long = {
        str(path.relative_to(PACKAGE)): lines
        for path in sources
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert not long, f"split these files (more than {MAX_LINES} lines): {long}"


def test_at_most_a_dozen_modules_sit_at_the_top_of_the_package() -> None:
    top = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert "__init__.py" in top
    assert len(top) <= MAX_TOP_MODULES, top
