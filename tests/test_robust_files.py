"""Results on disk survive faults: a writer killed mid-write never leaves a half-written
file where a reader looks, and damaged files give a clear error naming them."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pandas as pd
import pytest
from command_line import refusal

from model.errors import ConfigError
from model.io import read_parquet, write_parquet, write_text

WRITER = textwrap.dedent(
    """
    import sys
    import numpy as np
    import pandas as pd
    from model.io import write_parquet
    path, marker = sys.argv[1], sys.argv[2]
    rows = 400_000  # a few MB: each write takes long enough to be caught in the middle
    version = 0
    while True:
        version += 1
        table = pd.DataFrame({"version": np.full(rows, version), "x": np.arange(rows)})
        write_parquet(path, table)
        open(marker, "w").write(str(version))
    """
)


def test_a_writer_killed_mid_write_leaves_the_previous_complete_file(tmp_path: Path) -> None:
    target, marker = tmp_path / "results.parquet", tmp_path / "written"
    write_parquet(target, pd.DataFrame({"version": [0], "x": [0]}))
    kills = 0
    for delay in (0.05, 0.3, 0.7, 1.1, 1.6):
        child = subprocess.Popen([sys.executable, "-c", WRITER, str(target), str(marker)])
        time.sleep(delay)
        os.kill(child.pid, signal.SIGKILL)  # no chance to clean up
        child.wait()
        kills += child.returncode == -signal.SIGKILL
        table = read_parquet(target)  # never a half-written file: this must not raise
        assert table["version"].nunique() == 1
        assert len(table) in (1, 400_000)
    assert kills == 5
    # Killed writers may leave their temporary files beside the target, never in its place.
    leftovers = [p.name for p in tmp_path.iterdir() if p.name not in {"results.parquet", "written"}]
    assert all(name.startswith(".results.parquet.") and name.endswith(".tmp") for name in leftovers)


def test_a_failed_write_keeps_the_previous_file(tmp_path: Path) -> None:
    target = tmp_path / "report.md"
    write_text(target, "first")

    class Boom(Exception):
        pass

    def fail(_path: Path) -> None:
        raise Boom

    from model.io import write_atomic

    with pytest.raises(Boom):
        write_atomic(target, fail)
    assert target.read_text() == "first"
    assert [p.name for p in tmp_path.iterdir()] == ["report.md"]


@pytest.mark.parametrize("damage", ["truncate", "garbage", "empty", "missing"])
def test_a_damaged_results_file_is_a_clear_error_naming_it(tmp_path: Path, damage) -> None:
    path = tmp_path / "results.parquet"
    write_parquet(path, pd.DataFrame({"a": range(1000)}))
    if damage == "truncate":
        path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    elif damage == "garbage":
        path.write_bytes(b"not parquet at all" * 10)
    elif damage == "empty":
        path.write_bytes(b"")
    else:
        path.unlink()
    with pytest.raises(ConfigError) as error:
        read_parquet(path)
    assert str(path) in str(error.value)


def test_the_cli_refuses_a_damaged_results_file_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "results.parquet"
    path.write_bytes(b"PAR1 truncated")
    message = refusal("validate", "--results", path, "--no-stylized", "--out", tmp_path / "v")
    assert message.startswith(f"{path}: not a readable Parquet results file")
    assert not (tmp_path / "v").exists()  # refused before anything was written
