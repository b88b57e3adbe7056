"""The documentation's generated parts match the code: parameter tables, schedule, flow
figure and (when their run outputs exist) result tables; and the generator keeps
hand-written text."""

from __future__ import annotations

import ast
import inspect
import re
import shutil
import textwrap
import typing
from pathlib import Path

import pandas as pd
import pytest
from pydantic import BaseModel

from model.docs import generate as docs
from model.docs.flow import step_entries
from model.docs.parameters import calibrated_values, parameter_tables
from model.docs.readme import layout_block
from model.docs.recording import Effects
from model.docs.validation import calibrated_block, role_block
from model.errors import ConfigError
from model.evidence.observed import TARGETS
from model.params import Params
from model.simulation.economy import Economy

ROOT = docs.ROOT
PHASES = ROOT / "model" / "simulation" / "phases"
RUN = "run `littlegiants docs` to regenerate them"


@pytest.fixture(scope="module")
def generated() -> docs.Generated:
    """What the documents should hold for the code as it is (nothing written)."""
    return docs.generate(ROOT / docs.DEFAULT_RESULTS, ROOT / docs.DEFAULT_CALIBRATION)


@pytest.fixture(scope="module")
def odd() -> str:
    return (ROOT / docs.ODD).read_text(encoding="utf-8")


def parameter_keys(model: type[BaseModel] = Params, prefix: str = "") -> list[str]:
    """Every leaf of the parameter objects, walked independently of the generator."""
    keys = []
    for name, info in model.model_fields.items():
        key = f"{prefix}.{name}" if prefix else name
        annotation = info.annotation
        args = [a for a in typing.get_args(annotation) if a is not Ellipsis]
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            keys += parameter_keys(annotation, key)
        elif typing.get_origin(annotation) is tuple and args and issubclass_model(args[0]):
            keys += [key, *parameter_keys(args[0], f"{key}.<i>")]
        else:
            keys.append(key)
    return keys


def issubclass_model(annotation: object) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def effects_by_phase() -> dict:
    """Effects of each entry of `Economy.step` by short name, a phase called twice merged."""
    merged: dict = {}
    for entry in step_entries():
        merged.setdefault(entry.name, Effects()).merge(entry.effects)
    return merged


def step_phase_modules() -> list[str]:
    """Phase modules in the order `Economy.step` calls them, from its source."""
    tree = ast.parse(textwrap.dedent(inspect.getsource(Economy.step)))
    phases = {p.stem for p in PHASES.glob("*.py") if p.stem != "__init__"}
    order = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner = node.func.value
            if isinstance(owner, ast.Name) and owner.id in phases:
                order.append((node.lineno, owner.id))
    return list(dict.fromkeys(name for _, name in sorted(order)))  # first call of each


def test_generated_parts_match_the_committed_docs(generated: docs.Generated) -> None:
    stale = docs.differences(generated)
    assert not stale, "docs out of date:\n" + "\n".join(stale) + f"\n{RUN}"


def test_every_parameter_appears_in_the_tables(generated: docs.Generated, odd: str) -> None:
    tables = docs.find_blocks(odd)["parameters"]
    missing = [key for key in parameter_keys() if f"`{key}`" not in tables]
    assert not missing, f"parameters missing from docs/odd.md: {missing}; {RUN}"


def test_every_phase_module_has_a_submodel_section(odd: str) -> None:
    for module in sorted(PHASES.glob("*.py")):
        if module.stem == "__init__":
            continue
        heading = re.compile(rf"^### 7\.\d+ .*`model/simulation/phases/{module.stem}\.py`", re.M)
        assert heading.search(odd), f"docs/odd.md has no section 7.x for {module.name}"


def test_submodel_sections_follow_the_order_of_step(odd: str) -> None:
    headings = re.findall(r"^### 7\.\d+ .*?`model/simulation/phases/(\w+)\.py`", odd, re.M)
    assert headings == step_phase_modules()


def test_schedule_lists_the_calls_of_step_in_order(odd: str) -> None:
    listed = re.findall(r"^\d+\. `(.+?)`", docs.find_blocks(odd)["schedule"], re.M)
    assert listed == [entry.call for entry in step_entries()]
    called = [c.split(" = ")[-1].split(".")[0] for c in listed]  # `sales = purchasing...`
    phases = set(step_phase_modules())
    assert list(dict.fromkeys(c for c in called if c in phases)) == step_phase_modules()


def test_flow_shows_the_restriction_channels() -> None:
    entries = effects_by_phase()
    assert "buyers.blocked" in entries["demand"].writes  # inputs lost to controls
    assert "buyers.purchases.replaced" in entries["purchasing"].writes  # substitution ...
    assert "buyers.output_factor" in entries["purchasing"].writes  # ... or disruption
    assert "tech_access" in entries["production"].writes  # technology access ...
    assert "tech_access" in entries["innovation"].reads  # ... slows knowledge and patents
    assert "restrictions.channels.supply_cut" in entries["matching"].params
    assert "restrictions.tech_access_loss" in entries["production"].params


def test_replacing_parts_keeps_the_text_around_them() -> None:
    text = "intro\n<!-- generated:a:start -->\nold\n<!-- generated:a:end -->\noutro\n"
    new = docs.replace_blocks(text, {"a": "new\n"}, Path("x.md"))
    assert new == "intro\n<!-- generated:a:start -->\nnew\n<!-- generated:a:end -->\noutro\n"
    with pytest.raises(ConfigError, match="generated:b:start"):
        docs.replace_blocks(text, {"b": "x\n"}, Path("x.md"))


def test_missing_results_keep_the_tables_or_say_how_to_make_them(tmp_path: Path) -> None:
    absent = tmp_path / "results.parquet"
    notes: list[str] = []
    fresh = docs.scenario_parts(absent, {}, notes)
    assert "littlegiants compare --all" in fresh["results:summary"] and notes
    kept = docs.scenario_parts(absent, {"results:summary": "earlier table\n"}, [])
    assert kept["results:summary"] == "earlier table\n"
    checks = docs.validation_parts(absent, {}, [])
    assert "littlegiants calibrate" in checks["results:fit"]


def test_validation_tables_split_fit_and_out_of_sample_targets() -> None:
    final = pd.DataFrame(
        [
            {"scenario": "baseline", "run_id": run, "seed": run, "quarter": t.quarter}
            | {"year": int(t.quarter[:4]), "variable": t.variable, "value": t.observed}
            for t in TARGETS
            for run in (0, 1)
        ]
    )
    fit = role_block(final, Path("final.parquet"), "fit")
    checks = role_block(final, Path("final.parquet"), "check")
    assert fit.count("✓") == sum(t.role == "fit" for t in TARGETS)
    assert checks.count("✓") == sum(t.role == "check" for t in TARGETS)
    assert "✗" not in fit + checks
    # Bounds show their one-sided rule, points a two-sided one.
    bound_rows = [line for line in (fit + checks).splitlines() if "| lower bound |" in line]
    assert bound_rows and all("| ≥ −" in line for line in bound_rows)
    assert all("| ≤ +" in line for line in checks.splitlines() if "| upper bound |" in line)


def test_regeneration_restores_a_stale_copy(generated: docs.Generated, tmp_path: Path) -> None:
    shutil.copytree(ROOT / "docs", tmp_path / "docs")
    shutil.copy(ROOT / docs.README, tmp_path / docs.README)
    odd = tmp_path / docs.ODD
    text = odd.read_text(encoding="utf-8")
    odd.write_text(text.replace("| `innovation.patent_scale` |", "| `stale` |"), encoding="utf-8")
    (tmp_path / docs.FIGURE).unlink()
    stale = docs.differences(generated, root=tmp_path)
    assert any("'parameters'" in line for line in stale)
    assert any("figure" in line for line in stale)
    docs.write(generated, root=tmp_path)
    assert docs.differences(generated, root=tmp_path) == []
    assert odd.read_text(encoding="utf-8") == text


def test_calibrated_values_show_in_the_tables(tmp_path: Path) -> None:
    calibrated = tmp_path / "calibrated.toml"
    calibrated.write_text(
        '# Command: littlegiants calibrate x.toml\nname = "calibrated"\n\n'
        "[certification.national]\napproval = 0.612\n\n"
        "[certification.national.awareness]\nimitation = 0.3\n",
        encoding="utf-8",
    )
    values = calibrated_values(calibrated)
    assert values == {
        "certification.national.approval": 0.612,
        "certification.national.awareness.imitation": 0.3,
    }
    tables = parameter_tables(values)
    row = next(line for line in tables.splitlines() if "`certification.national.approval`" in line)
    assert row.endswith("| **calibrated**: 0.612 |")
    assert "0.612" in calibrated_block(calibrated) and "littlegiants calibrate" in (
        calibrated_block(calibrated)
    )


def test_docs_command_checks_the_committed_docs() -> None:
    from typer.testing import CliRunner

    from model.cli import _register, app

    _register()
    done = CliRunner().invoke(app, ["docs", "--check"])
    assert done.exit_code == 0, done.output


def test_readme_layout_shows_every_subpackage_and_module(generated: docs.Generated) -> None:
    layout = generated.parts[docs.README]["layout"]
    package = ROOT / "model"
    for path in package.rglob("*.py"):
        if "__pycache__" not in path.parts and path.name != "__init__.py":
            assert f" {path.name}" in layout, f"README layout misses {path.relative_to(ROOT)}"
    for folder in package.rglob("__init__.py"):
        if folder.parent != package:
            assert f"  {folder.parent.name}/ " in layout
    assert layout.index("simulation/") < layout.index("cli/")  # bottom layer first


def test_readme_layout_follows_the_files(tmp_path: Path) -> None:
    (tmp_path / "model" / "market").mkdir(parents=True)
    (tmp_path / "model" / "__init__.py").write_text('"""Top."""\n', encoding="utf-8")
    (tmp_path / "model" / "clock.py").write_text('"""Quarters."""\n', encoding="utf-8")
    (tmp_path / "model" / "market" / "__init__.py").write_text('"""Orders."""\n', "utf-8")
    (tmp_path / "model" / "market" / "book.py").write_text("x = 1\n", encoding="utf-8")
    (tmp_path / ".importlinter").write_text(
        "[importlinter:contract:layers]\nlayers =\n    model.market\n    model.clock\n", "utf-8"
    )
    for folder in ("scenarios", "experiments", "tests", "docs"):
        (tmp_path / folder).mkdir()
    (tmp_path / "tests" / "test_book.py").write_text("", encoding="utf-8")
    layout = layout_block(tmp_path)
    assert layout.index("clock.py") < layout.index("market/")  # the lower layer first
    assert "clock.py        Quarters." in layout and "market/         Orders." in layout
    assert "book.py" in layout and "1 test modules" in layout


def test_readme_phase_table_names_each_phase_module(generated: docs.Generated) -> None:
    table = generated.parts[docs.README]["phases"]
    paths = re.findall(r"^\| (\w+) \| `([\w/]+\.py)` \|", table, re.M)
    named = [name for name, _ in paths if name in step_phase_modules()]
    assert list(dict.fromkeys(named)) == step_phase_modules()  # production appears twice
    assert all((ROOT / path).exists() for _, path in paths)
