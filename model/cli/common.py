"""Pieces shared by commands: output folders, progress bars, worker counts, seed options."""

from __future__ import annotations

import os
import shlex
import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from model.errors import ConfigError

console = Console(stderr=True)

MAX_SEEDS = 10_000
Scale = Annotated[float, typer.Option(help="Share of the 1:1 population simulated")]
Processes = Annotated[int, typer.Option(help="Parallel processes [default: all cores]")]
BaseSeed = Annotated[int, typer.Option(help="Seed the run seeds are spawned from")]


def check_seeds(seeds: int, base_seed: int) -> None:
    """`--seeds` and `--base-seed` within their ranges, or one clear error."""
    if not 1 <= seeds <= MAX_SEEDS:
        raise ConfigError(f"--seeds {seeds}: allowed 1 <= seeds <= {MAX_SEEDS}")
    if base_seed < 0:
        raise ConfigError(f"--base-seed {base_seed}: must be a non-negative integer")


def command_line() -> str:
    """The command as typed, for reports: `littlegiants` and the quoted arguments."""
    return "littlegiants " + " ".join(shlex.quote(a) for a in sys.argv[1:])


def default_workers() -> int:
    """All cores of this machine."""
    return max(1, os.cpu_count() or 1)


def prepare_out_dir(out: Path, overwrite: bool, marker: str = "results.parquet") -> Path:
    """An output folder that may be written: refuse to replace results unless asked."""
    if out.exists() and not out.is_dir():
        raise ConfigError(f"{out}: exists and is not a folder")
    if (out / marker).exists() and not overwrite:
        raise ConfigError(
            f"{out}: already holds results ({marker}); pass --overwrite to replace them "
            "or --out to write elsewhere"
        )
    out.mkdir(parents=True, exist_ok=True)
    return out


def clear_figures(out: Path) -> None:
    """Remove an earlier report's figures so no stale chart survives an overwrite."""
    shutil.rmtree(out / "figures", ignore_errors=True)


def progress_columns(*extra: TextColumn) -> tuple[ProgressColumn, ...]:
    """The columns of every progress bar here: name, bar, done/total, `extra`, times."""
    return (
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        *extra,
        TimeElapsedColumn(),
        TextColumn("eta"),
        TimeRemainingColumn(),
    )


class Advance:
    """Called after each run: advances its progress bar by one. `retotal(n)` says the
    work turned out to be `n` runs (a step that was planned is not needed)."""

    def __init__(self, progress: Progress, task: Any) -> None:
        self.progress, self.task = progress, task

    def __call__(self) -> None:
        self.progress.advance(self.task)

    def retotal(self, total: int) -> None:
        self.progress.update(self.task, total=total)


@contextmanager
def progress_bar(description: str, total: int) -> Iterator[Advance]:
    """A rich progress bar over `total` runs; yields the function that advances it."""
    with Progress(*progress_columns(), console=console, transient=False) as progress:
        yield Advance(progress, progress.add_task(description, total=total))
