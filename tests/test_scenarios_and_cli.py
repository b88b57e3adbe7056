"""Scenario files load, inherit and fail with clear messages; the CLI runs and refuses bad input."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from command_line import refusal
from pictures import A_LINE, drawn_in, pixels

from model import load_scenario
from model.errors import ConfigError
from model.evidence.observed import TARGETS
from model.params.restrictions import RestrictionEvent
from model.simulation.runner import TIDY_COLUMNS, replicate_seeds

SCRIPT = Path(sys.executable).parent / "littlegiants"
CLI = (
    [str(SCRIPT)]
    if SCRIPT.exists()
    else [sys.executable, "-c", "from model.cli import main; main()"]
)


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*CLI, *args], cwd=cwd, capture_output=True, text=True, timeout=240, check=False
    )


# scenario files ------------------------------------------------------------------------
def test_baseline_scenario_loads_with_its_dated_events():
    params = load_scenario("baseline", scale=0.01)
    assert params.name == "baseline" and params.scale == 0.01
    restrictions = [e for e in params.restrictions.events if e.kind == "restriction"]
    assert restrictions[0].quarter == "2019Q2" and len(restrictions) >= 5
    assert params.zones.expansions
    pushes = params.certification.pushes
    assert {p.quarter for p in pushes.values()} == {"2021Q1", "2022Q3"}
    assert all(p.publicity for p in pushes.values())  # sizes come from calibrated.toml
    assert (params.time.start, params.time.end) == ("2019Q1", "2025Q4")


def test_extends_merges_tables_key_by_key_and_replaces_arrays(tmp_path):
    write(
        tmp_path,
        "parent.toml",
        'name = "parent"\n[certification.national]\napproval = 0.5\nmin_patents = 4\n'
        '[[restrictions.events]]\nquarter = "2020Q1"\nname = "a"\ncontrol = 0.2\n'
        '[[restrictions.events]]\nquarter = "2021Q1"\nsmes = 30\n',
    )
    child = write(
        tmp_path,
        "child.toml",
        'extends = "parent"\nname = "child"\n[certification.national]\napproval = 0.3\n'
        '[[restrictions.events]]\nquarter = "2022Q1"\ncontrol = 0.1\n',
    )
    params = load_scenario(child)
    assert params.name == "child"
    assert params.certification.national.approval == 0.3  # the child's value
    assert params.certification.national.min_patents == 4  # kept from the parent table
    assert params.restrictions.events == (RestrictionEvent(quarter="2022Q1", control=0.1),)


def test_extends_baseline_from_any_folder(tmp_path):
    text = 'extends = "baseline"\nname = "calm"\n[restrictions]\nevents = []\n'
    params, baseline = load_scenario(write(tmp_path, "calm.toml", text)), load_scenario("baseline")
    assert params.restrictions.events == () and params.name == "calm"
    assert params.certification.pushes == baseline.certification.pushes
    assert params.description == baseline.description


def test_child_scenario_without_a_name_is_named_after_its_file(tmp_path):
    path = write(tmp_path, "no_events.toml", 'extends = "baseline"\n[restrictions]\nevents = []\n')
    assert load_scenario(path).name == "no_events"


BAD_FILES = {
    "unknown_key": (
        "[finance.bank]\napprovel = 0.5\n",
        ["finance.bank.approvel", "did you mean 'approval'", "allowed here"],
    ),
    "quoted_number": ('[finance.bank]\napproval = "0.5"\n', ["finance.bank.approval", "<= 1"]),
    "negative_rate": (
        "[finance.bank]\ninterest_rate = -0.01\n",
        ["finance.bank.interest_rate", "0 <= value"],
    ),
    "invalid_toml": ("[finance.bank\napproval = 0.5\n", ["not valid TOML", "line"]),
    "missing_parent": ('extends = "no_such_parent"\n', ["extends", "no_such_parent"]),
}


@pytest.mark.parametrize("case", BAD_FILES)
def test_bad_scenario_file_names_file_key_and_allowed_values(case, tmp_path):
    text, fragments = BAD_FILES[case]
    path = write(tmp_path, f"{case}.toml", f'name = "{case}"\n{text}')
    with pytest.raises(ConfigError) as error:
        load_scenario(path)
    message = str(error.value)
    assert f"{case}.toml" in message
    for fragment in fragments:
        assert fragment in message


def test_missing_scenario_file_is_named(tmp_path):
    with pytest.raises(ConfigError, match=r"nowhere\.toml"):
        load_scenario(tmp_path / "nowhere.toml")


def test_extends_cycle_is_reported_with_the_chain(tmp_path):
    write(tmp_path, "a.toml", 'extends = "b"\n')
    write(tmp_path, "b.toml", 'extends = "a"\n')
    with pytest.raises(ConfigError, match=r"'extends'.*cycle.*a\.toml -> b\.toml -> a\.toml"):
        load_scenario(tmp_path / "a.toml")


def test_out_of_range_event_control_names_the_allowed_range(tmp_path):
    text = '[[restrictions.events]]\nquarter = "2020Q1"\ncontrol = 1.5\n'
    with pytest.raises(
        ConfigError, match=r"severe\.toml.*restrictions\.events\.0\.control.*0 <= value <= 1"
    ):
        load_scenario(write(tmp_path, "severe.toml", text))


def test_an_easing_must_lift_an_event_named_earlier(tmp_path):
    text = '[[restrictions.events]]\nquarter = "2020Q1"\nkind = "easing"\nlifts = ["rule"]\n'
    with pytest.raises(ConfigError, match=r"lifts.*\['rule'\].*no earlier event is named"):
        load_scenario(write(tmp_path, "lift.toml", text))


def test_a_restriction_naming_an_unknown_field_is_an_error(tmp_path):
    text = '[[restrictions.events]]\nquarter = "2020Q1"\nsectors = ["shipbuilding"]\n'
    with pytest.raises(ConfigError, match=r"unknown sectors \['shipbuilding'\]"):
        load_scenario(write(tmp_path, "field.toml", text))


# command line --------------------------------------------------------------------------
def test_cli_refuses_a_bad_scenario_naming_file_and_key_before_writing(tmp_path):
    path = write(tmp_path, "typo.toml", 'extends = "baseline"\n[finance.bank]\napprovel = 0.5\n')
    message = refusal("run", path, "--scale", "0.001", "--out", tmp_path / "out")
    assert message.startswith(f"{path}: unknown key 'finance.bank.approvel'; ")
    assert "did you mean 'approval'?" in message
    assert not (tmp_path / "out").exists()


def test_cli_refuses_zero_seeds(tmp_path):
    message = refusal("run", "baseline", "--seeds", "0", "--out", tmp_path / "out")
    assert message == "--seeds 0: allowed 1 <= seeds <= 10000"
    assert not (tmp_path / "out").exists()


@pytest.fixture(scope="module")
def cli_run(tmp_path_factory):
    """`littlegiants run` end to end: the installed console script in its own process,
    with its default worker processes."""
    folder = tmp_path_factory.mktemp("cli")
    args = ("run", "baseline", "--scale", "0.002", "--seeds", "2", "--out", "out")
    return folder, run_cli(*args, cwd=folder)


def test_cli_run_writes_tidy_results_for_each_seed(cli_run):
    folder, result = cli_run
    assert "Traceback" not in result.stderr
    table = pd.read_parquet(folder / "out" / "results.parquet")
    assert list(table.columns) == TIDY_COLUMNS
    assert set(table["scenario"]) == {"baseline"}
    assert sorted(table["run_id"].unique()) == [0, 1]
    assert sorted(table["seed"].unique()) == sorted(replicate_seeds(20210101, 2))
    quarters = table.groupby("run_id")["quarter"].nunique()
    assert (quarters == 28).all()
    assert (table["year"] == table["quarter"].str[:4].astype(int)).all()


def test_cli_run_exits_0_and_reports_the_runs_it_wrote(cli_run):
    folder, result = cli_run
    assert result.returncode == 0, result.stderr
    report = (folder / "out" / "report.md").read_text(encoding="utf-8")
    assert report.startswith("# littlegiants: baseline\n")
    assert "- Scale 0.002 of the 1:1 population; simulation took " in report
    seeds = ", ".join(str(s) for s in replicate_seeds(20210101, 2))
    assert f"| baseline | 2 | {seeds} | 2019Q1–2025Q4 (28) |" in report
    fit = report.split("## Fit to observed facts\n", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in fit.splitlines() if line.startswith("| ")]
    assert len(rows) == 2 + len(TARGETS)  # header, alignment, one row a target
    figures = re.findall(r"\]\((figures/[^)]+\.png)\)", report)
    assert figures[-1] == "figures/province_map.png" and len(figures) == 9
    assert "## Provinces" in report and "| 1 | " in report  # the map and the top ten
    for figure in figures[:-1]:  # the runs drawn in the scenario's colour (bars at 85% opacity)
        opacity = 0.85 if "certifications" in figure else 1.0
        assert drawn_in(pixels(folder / "out" / figure), "#0072B2", opacity) >= A_LINE, figure


def test_cli_run_into_a_used_folder_needs_overwrite_and_keeps_the_results(cli_run, monkeypatch):
    folder, _ = cli_run
    monkeypatch.chdir(folder)
    results = folder / "out" / "results.parquet"
    before = results.read_bytes()
    message = refusal("run", "baseline", "--scale", "0.001", "--seeds", "1", "--out", "out")
    assert message.startswith("out: already holds results (results.parquet); pass --overwrite")
    assert results.read_bytes() == before
