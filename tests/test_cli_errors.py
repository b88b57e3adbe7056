"""The command line under bad input: one readable message naming what was wrong (file,
key, allowed range) and exit code 2, never a traceback; every command's --help shows an
example. The messages are checked in this process (tests/command_line.py); a few tests
run the installed console script to see its exit codes and stderr as a user does."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from command_line import invoke, refusal

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
    """The installed console script in a new process."""
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


# (case, command line, what the message must say); {name} is a file of the fixture.
CASES = [
    ("unknown scenario", ["run", "no_such_scenario"], ["'no_such_scenario' not found", "baseline"]),
    (
        "typo in a key",
        ["run", "{typo}"],
        ["{typo}: unknown key 'finance.bank.aproval'", "did you mean 'approval'"],
    ),
    ("invalid TOML", ["run", "{badtoml}"], ["{badtoml}: not valid TOML", "line 1"]),
    ("a folder, not a file", ["run", "{folder}"], ["{folder}: is a folder", "cannot be read"]),
    ("seeds not a number", ["run", "baseline", "--seeds", "abc"], ["Invalid value for '--seeds'"]),
    (
        "huge seed count",
        ["run", "baseline", "--seeds", "1000000000"],
        ["--seeds 1000000000: allowed 1 <= seeds <= 10000"],
    ),
    ("zero seeds", ["compare", "baseline", "--seeds", "0"], ["--seeds 0: allowed 1 <= seeds"]),
    (
        "negative scale",
        ["run", "baseline", "--scale", "-1"],
        ["baseline.toml: key 'scale' = -1.0", "allowed: 0 < value <= 4"],
    ),
    (
        "scale too large",
        ["run", "baseline", "--scale", "100"],
        ["baseline.toml: key 'scale' = 100.0", "allowed: 0 < value <= 4"],
    ),
    ("no scenario to compare", ["compare"], ["name at least one scenario, or pass --all"]),
    ("unknown option", ["run", "baseline", "--seedz", "3"], ["No such option: --seedz"]),
    ("missing argument", ["show"], ["Missing argument 'scenario'"]),
    ("show unknown", ["show", "nope"], ["scenario 'nope' not found"]),
    ("missing experiment", ["sweep", "{out}/nope.toml"], ["{out}/nope.toml: file not found"]),
    ("empty experiment", ["sweep", "{empty}"], ["{empty}: key 'parameters'", "required"]),
    ("invalid experiment TOML", ["sensitivity", "{badtoml}"], ["{badtoml}: not valid TOML"]),
    ("missing calibration", ["calibrate", "{out}/nope.toml"], ["{out}/nope.toml: file not found"]),
    ("empty calibration", ["calibrate", "{empty}"], ["{empty}: key 'parameters'", "required"]),
    ("validate negative seeds", ["validate", "--seeds", "-1"], ["--seeds -1: allowed 1 <= seeds"]),
    (
        "validate missing results",
        ["validate", "--results", "{out}/none.parquet"],
        ["{out}/none.parquet: results file not found"],
    ),
    ("bad port", ["app", "--port", "99999"], ["--port 99999: allowed 0 <= port <= 65535"]),
]


@pytest.mark.parametrize(("name", "args", "says"), CASES, ids=[c[0] for c in CASES])
def test_bad_input_is_refused_with_a_message_naming_it(files, name, args, says) -> None:
    message = refusal(*[a.format(**files) for a in args])
    for fragment in says:
        assert fragment.format(**files).lower() in message.lower(), message


def test_existing_results_are_not_overwritten_without_the_flag(tmp_path: Path) -> None:
    out = tmp_path / "validation"
    out.mkdir()
    (out / "results.parquet").write_bytes(b"earlier results")
    message = refusal("validate", "--seeds", "1", "--scale", "0.001", "--out", out)
    assert f"{out}: already holds results (results.parquet); pass --overwrite" in message
    assert (out / "results.parquet").read_bytes() == b"earlier results"
    assert sorted(p.name for p in out.iterdir()) == ["results.parquet"]


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_help_has_an_example(command: str) -> None:
    done = invoke(command, "--help")
    assert done.exit_code == 0, done.output
    assert f"Example: littlegiants {command}" in " ".join(done.stdout.split()), done.stdout


# the installed console script, in its own process -------------------------------------
def test_console_script_prints_a_config_error_as_one_line_and_exits_2(files) -> None:
    done = cli("run", str(files["typo"]), "--out", str(files["out"]))
    assert done.returncode == 2, (done.stdout, done.stderr)
    (line,) = done.stderr.strip().splitlines()
    assert line.startswith(f"error: {files['typo']}: unknown key 'finance.bank.aproval'; ")
    assert "did you mean 'approval'?" in line and "Traceback" not in done.stdout
    assert not files["out"].exists()


def test_console_script_exits_2_on_a_usage_error_without_a_traceback() -> None:
    done = cli("run", "baseline", "--seedz", "3")
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert "No such option: --seedz" in done.stderr
    assert "Traceback" not in done.stderr + done.stdout


def test_console_script_exits_0_and_lists_every_command() -> None:
    done = cli("--help")
    assert done.returncode == 0, done.stderr
    rows = [line for line in done.stdout.splitlines() if line.startswith("│ ")]
    listed = {row.split()[1] for row in rows if not row.startswith("│  ")}  # not a wrapped line
    assert listed >= set(COMMANDS), done.stdout
