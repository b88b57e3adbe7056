"""Files the project writes: always to a temporary name first, then renamed into place.

A reader therefore sees either the previous complete file or the new complete
file, never a half-written one, even if the writer is killed.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from model.errors import ConfigError


@contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside `path`; on success it replaces `path` atomically."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(
        prefix=f".{target.name}.", suffix=".tmp", dir=target.parent
    )
    os.close(handle)
    # mkstemp makes owner-only files; results are for sharing, so use the usual mode.
    os.chmod(temporary, 0o666 & ~_umask())
    try:
        yield Path(temporary)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_atomic(path: str | Path, write: Callable[[Path], None]) -> Path:
    """Run `write(temporary_path)` and move the result to `path`."""
    with atomic_path(path) as temporary:
        write(temporary)
    return Path(path)


def write_text(path: str | Path, text: str) -> Path:
    """Write a text file atomically (UTF-8)."""
    return write_atomic(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def write_parquet(path: str | Path, table: pd.DataFrame) -> Path:
    """Write a DataFrame as Parquet atomically."""
    arrow = pa.Table.from_pandas(table, preserve_index=False)
    return write_atomic(path, lambda tmp: pq.write_table(arrow, tmp))


def read_parquet(path: str | Path) -> pd.DataFrame:
    """Read a Parquet results file; a missing or damaged file is a ConfigError naming it."""
    target = Path(path)
    if not target.exists():
        raise ConfigError(f"{target}: results file not found")
    try:
        return pq.read_table(target).to_pandas()
    except (pa.ArrowException, OSError, ValueError) as exc:
        raise ConfigError(
            f"{target}: not a readable Parquet results file ({exc}); "
            "it may be truncated or corrupted - rerun to rewrite it"
        ) from exc
