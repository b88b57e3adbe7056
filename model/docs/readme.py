"""The README's generated parts: the project's layout as it is, and the quarter's phases.

The layout lists `model/` from the bottom layer up, in the order `.importlinter`
enforces (modules and subpackages not in a layer last), each with the first line
of its docstring and, for a subpackage, its modules; then the other top-level
folders with what they hold. The phases table lists the entries of
`Economy.step` that have a submodel section in docs/odd.md, with their module.
"""

from __future__ import annotations

import ast
import configparser
import importlib
import inspect
import textwrap
from functools import reduce
from pathlib import Path

from model.docs.flow import StepEntry
from model.docs.odd import SUBMODEL_MODULES
from model.reports.report import markdown_table

PACKAGE = "model"
WIDTH, COLUMN = 88, 18  # line width and where descriptions start
# What the other top-level folders are for; their files are listed from disk.
FOLDERS = {
    "scenarios": "one TOML file per scenario; `extends` another",
    "experiments": "experiment specs, the classroom notebook and the benchmark",
    "tests": "the test suite",
    "docs": "the model (ODD), the scenarios and the fit; `littlegiants docs` writes their "
    "generated parts",
}
SKIPPED = ("__pycache__", "__init__.py")


def first_line(path: Path) -> str:
    """The first line of a module's docstring (of `__init__.py` for a folder)."""
    source = path / "__init__.py" if path.is_dir() else path
    tree = ast.parse(source.read_text(encoding="utf-8")) if source.exists() else None
    doc = ast.get_docstring(tree) if tree is not None else None
    return doc.splitlines()[0] if doc else "(no docstring)"


def layer_order(root: Path) -> list[str]:
    """Names directly under `model` by layer, bottom first, as `.importlinter` lists them
    (names sharing a layer in their listed order)."""
    config = configparser.ConfigParser()
    config.read(root / ".importlinter", encoding="utf-8")
    layers = config["importlinter:contract:layers"]["layers"].strip().splitlines()
    return [
        name.strip().removeprefix(f"{PACKAGE}.")
        for layer in reversed(layers)
        for name in layer.split("|")
    ]


def entries_of(folder: Path) -> list[Path]:
    """Files and folders worth showing, sorted: no caches, hidden files or `__init__.py`."""
    return sorted(
        p for p in folder.iterdir() if not p.name.startswith(".") and p.name not in SKIPPED
    )


def item(indent: int, name: str, text: str, extra: str = "") -> list[str]:
    """One tree entry: its name, its description wrapped at the description column,
    and (wrapped below) a compact list of what it holds."""
    lines = wrap(text, f"{' ' * indent}{name} ".ljust(COLUMN))
    return lines + (wrap(extra, " " * COLUMN) if extra else [])


def wrap(text: str, first: str) -> list[str]:
    """`text` in lines of WIDTH, the first after `first`, the rest at the description
    column; words (and hyphenated words) are not broken."""
    return textwrap.wrap(
        text,
        WIDTH,
        initial_indent=first,
        subsequent_indent=" " * COLUMN,
        break_on_hyphens=False,
        break_long_words=False,
    )


def tree(
    folder: Path, indent: int, order: list[str] | None = None, modules: bool = False
) -> list[str]:
    """A package's subpackages, each with its files listed compactly (and with
    `modules`, its own modules one a line), in `order` where given, else by name."""
    children = entries_of(folder)
    if order is not None:
        rank = {name: i for i, name in enumerate(order)}
        children.sort(key=lambda p: (rank.get(p.stem, len(rank)), p.name))
    lines = []
    for child in children:
        if child.is_dir():
            files = " ".join(p.name for p in entries_of(child) if p.is_file())
            lines += item(indent, f"{child.name}/", first_line(child), files)
            lines += tree(child, indent + 2)
        elif modules and child.suffix == ".py":
            lines += item(indent, child.name, first_line(child))
    return lines


def folder_lines(root: Path, name: str) -> list[str]:
    """A top-level folder other than the package: what it is for and what it holds."""
    folder = root / name
    names = [f"{p.name}/" if p.is_dir() else p.name for p in entries_of(folder)]
    if name == "tests":
        tests = [n for n in names if n.startswith("test_")]
        helpers = [n for n in names if not n.startswith("test_")]
        listing = f"{len(tests)} test modules (test_*.py); helpers: {' '.join(helpers)}"
    else:
        listing = " ".join(names)
    return item(0, f"{name}/", FOLDERS[name] + ":", listing)


def layout_block(root: Path) -> str:
    """The project's tree as a code block."""
    package = root / PACKAGE
    about = "the package (distribution `littlegiants`); its layers from the bottom up"
    lines = item(0, f"{PACKAGE}/", f"{about}, as `.importlinter` orders them:")
    lines += tree(package, 2, layer_order(root), modules=True)
    for name in FOLDERS:
        lines += folder_lines(root, name)
    return "```\n" + "\n".join(lines) + "\n```\n"


def phases_block(entries: list[StepEntry]) -> str:
    """The submodels of `Economy.step` in order: name, module file and what it does
    (the module's docstring if the module is the phase, else the function's)."""
    rows = []
    for entry in entries:
        if not entry.module.startswith(SUBMODEL_MODULES):
            continue
        module = importlib.import_module(entry.module)
        own_module = entry.module.rsplit(".", 1)[1] == entry.name
        target = module if own_module else reduce(getattr, entry.function.split("."), module)
        doc = (inspect.getdoc(target) or "").split("\n")[0]
        path = Path(*entry.module.split(".")).with_suffix(".py").as_posix()
        rows.append([entry.name, f"`{path}`", doc])
    return markdown_table(["phase", "module", "what happens"], rows, left=3) + "\n"
