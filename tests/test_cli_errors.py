"""The command line under bad input: one readable message, exit code 2, no traceback;
and every command's --help shows an example."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

CLI = str(Path(sys.executable).parent / "littlegiants")
COMMANDS = [
    "run",
    "compare",
    "scenarios",
    "show",
    "sweep",
    "sensitivity",
    "calibrate",
    "validate",
    "docs",
    "app",
    "app-assets",
]


def cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([CLI, *args], capture_output=True, text=True, timeout=300, cwd=cwd)


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("bad")
    made = {
        "empty": folder / "empty.toml",
        "typo": folder / "typo.toml",
        "badtoml": folder / "badtoml.toml",
        "folder": folder / "a_folder.toml",
    }
    made["empty"].write_text("")
    made["typo"].write_text('extends = "baseline"\n[finance.bank]\naproval = 0.5\n')
    made["badtoml"].write_text("[finance\nx = 1\n")
    made["folder"].mkdir()
    made["out"] = folder / "out"
    return made


CASES = [
    ("unknown scenario", ["run", "no_such_scenario"], "not found"),
    ("typo in a key", ["run", "{typo}"], "did you mean 'approval'"),
    ("invalid TOML", ["run", "{badtoml}"], "not valid TOML"),
    ("a folder, not a file", ["run", "{folder}"], "cannot be read"),
    ("seeds not a number", ["run", "baseline", "--seeds", "abc"], "--seeds"),
    ("huge seed count", ["run", "baseline", "--seeds", "1000000000"], "--seeds"),
    ("zero seeds", ["compare", "baseline", "--seeds", "0"], "--seeds"),
    ("negative scale", ["run", "baseline", "--scale", "-1"], "scale"),
    ("scale too large", ["run", "baseline", "--scale", "100"], "scale"),
    ("no scenario to compare", ["compare"], "at least one scenario"),
    ("unknown option", ["run", "baseline", "--seedz", "3"], "No such option"),
    ("missing argument", ["show"], "Missing argument"),
    ("show unknown", ["show", "nope"], "not found"),
    ("missing experiment", ["sweep", "{out}/nope.toml"], "nope.toml"),
    ("empty experiment", ["sweep", "{empty}"], "empty.toml"),
    ("invalid experiment TOML", ["sensitivity", "{badtoml}"], "not valid TOML"),
    ("missing calibration", ["calibrate", "{out}/nope.toml"], "nope.toml"),
    ("empty calibration", ["calibrate", "{empty}"], "parameters"),
    ("validate negative seeds", ["validate", "--seeds", "-1"], "--seeds"),
    ("validate missing results", ["validate", "--results", "{out}/none.parquet"], "none.parquet"),
    ("bad port", ["app", "--port", "99999"], "port"),
]


@pytest.mark.parametrize(("name", "args", "says"), CASES, ids=[c[0] for c in CASES])
def test_bad_input_gives_one_message_and_exit_2(files, name, args, says) -> None:
    filled = [a.format(**files) for a in args]
    done = cli(*filled)
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert "Traceback" not in done.stderr + done.stdout
    assert says.lower() in (done.stderr + done.stdout).lower()


def test_existing_results_are_not_overwritten_without_the_flag(tmp_path: Path) -> None:
    out = tmp_path / "validation"
    out.mkdir()
    (out / "results.parquet").write_bytes(b"earlier results")
    done = cli("validate", "--seeds", "1", "--scale", "0.001", "--out", str(out))
    assert done.returncode == 2 and "--overwrite" in done.stderr
    assert (out / "results.parquet").read_bytes() == b"earlier results"


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_help_has_an_example(command: str) -> None:
    done = cli(command, "--help")
    assert done.returncode == 0
    assert "Example:" in done.stdout, done.stdout
