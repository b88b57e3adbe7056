"""The sweep's results on disk: a partitioned Parquet dataset that grows as runs finish.

Layout of a sweep folder:

    experiment.json          what was run (the experiment's fingerprint and spec)
    results/part-*.parquet   one file per small batch of finished runs (tidy rows)
    failures/part-*.parquet  runs that raised: error, traceback, parameters

Every part is written to a hidden temporary name and renamed into place
(`model.io.write_parquet`), so a reader only ever sees complete parts and a
killed writer leaves at most a hidden `.part-*.tmp`, ignored and cleaned up on
the next start. The parts themselves are the record of what is done: a rerun
reads their run ids and skips those runs.
"""

from __future__ import annotations

import json
import shutil
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from model.errors import ConfigError
from model.io import write_parquet, write_text

RESULTS, FAILURES, MANIFEST = "results", "failures", "experiment.json"
PART_GLOB = "part-*.parquet"


class SweepStore:
    """A sweep folder: its manifest, results parts and failure parts."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    @property
    def results_dir(self) -> Path:
        """Folder of the results dataset (readable with pandas.read_parquet)."""
        return self.root / RESULTS

    @property
    def failures_dir(self) -> Path:
        """Folder of the failure records."""
        return self.root / FAILURES

    def open(self, fingerprint: str, manifest: dict[str, Any], overwrite: bool = False) -> None:
        """Start or resume: the folder must hold this experiment or nothing (or be overwritten)."""
        if self.root.exists() and not self.root.is_dir():
            raise ConfigError(f"{self.root}: exists and is not a folder")
        if overwrite:
            for folder in (self.results_dir, self.failures_dir):
                shutil.rmtree(folder, ignore_errors=True)
            (self.root / MANIFEST).unlink(missing_ok=True)
        existing = self.manifest()
        if existing is not None and existing.get("fingerprint") != fingerprint:
            raise ConfigError(
                f"{self.root}: holds results of a different experiment "
                f"('{existing.get('name')}', fingerprint {existing.get('fingerprint')}, "
                f"this one {fingerprint}); pass --overwrite to replace them or --out elsewhere"
            )
        for folder in (self.results_dir, self.failures_dir):
            folder.mkdir(parents=True, exist_ok=True)
            for leftover in folder.glob(".part-*.tmp"):
                leftover.unlink(missing_ok=True)  # a part whose writer was killed
        if existing is None:
            write_text(self.root / MANIFEST, json.dumps(manifest, indent=2, default=str))

    def manifest(self) -> dict[str, Any] | None:
        """The stored experiment description, or None for a fresh folder."""
        path = self.root / MANIFEST
        if not path.exists():
            return None
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ConfigError(
                f"{path}: unreadable sweep manifest ({exc}); pass --overwrite"
            ) from exc

    def write_results(self, frames: Iterable[pd.DataFrame]) -> Path | None:
        """One results part holding several runs' rows."""
        return _write_part(self.results_dir, list(frames))

    def write_failures(self, records: Iterable[dict[str, Any]]) -> Path | None:
        """One failures part, a row per failed run."""
        rows = list(records)
        return _write_part(self.failures_dir, [pd.DataFrame(rows)] if rows else [])

    def done_run_ids(self) -> set[int]:
        """Run ids with results."""
        return set(_read_column(self.results_dir, "run_id"))

    def failed_run_ids(self, done: set[int] | None = None) -> set[int]:
        """Run ids with a recorded failure and no results (a retry may have succeeded);
        `done`: the `done_run_ids`, when the caller has read them already."""
        done = self.done_run_ids() if done is None else done
        return set(_read_column(self.failures_dir, "run_id")) - done

    def results(self) -> pd.DataFrame:
        """All results rows (empty frame if none yet)."""
        return read_parts(self.results_dir)

    def failures(self) -> pd.DataFrame:
        """The latest failure record of each run that has no results."""
        table = read_parts(self.failures_dir)
        if table.empty:
            return table
        table = table[~table["run_id"].isin(self.done_run_ids())]
        return table.drop_duplicates("run_id", keep="last").sort_values("run_id")


def _write_part(folder: Path, frames: list[pd.DataFrame]) -> Path | None:
    if not frames:
        return None
    table = pd.concat(frames, ignore_index=True)
    first = int(table["run_id"].min()) if len(table) else 0
    name = f"part-{first:08d}-{uuid.uuid4().hex[:10]}.parquet"
    return write_parquet(folder / name, table)


def part_files(folder: Path) -> list[Path]:
    """Complete part files of a dataset folder (hidden temporaries are never listed)."""
    return sorted(folder.glob(PART_GLOB)) if folder.is_dir() else []


def _read_part(path: Path, columns: list[str] | None = None) -> pa.Table:
    try:
        return pq.read_table(path, columns=columns)
    except (pa.ArrowException, OSError, ValueError) as exc:
        raise ConfigError(
            f"{path}: damaged results part ({exc}); delete it and rerun the sweep to redo its runs"
        ) from exc


def _read_column(folder: Path, column: str) -> list[int]:
    ids: list[int] = []
    for path in part_files(folder):
        ids.extend(_read_part(path, [column]).column(column).to_pylist())
    return ids


def read_parts(folder: str | Path) -> pd.DataFrame:
    """Every complete part of a dataset folder as one frame."""
    tables = [_read_part(path) for path in part_files(Path(folder))]
    if not tables:
        return pd.DataFrame()
    return pa.concat_tables(tables, promote_options="default").to_pandas()
