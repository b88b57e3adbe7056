"""The calibration's checkpoint: every evaluation as one JSON line, fsync'd.

The first line fingerprints what the evaluations depend on (scale, seeds, targets,
scenario), so a changed calibration cannot silently reuse them; a torn last line
(a killed writer) is ignored.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from model.errors import ConfigError
from model.params import Params


@dataclass
class Evaluation:
    """One point of the parameter space and what the model made of it."""

    index: int
    stage: str
    values: dict[str, float]
    moments: list[float]
    loss: float
    seconds: float = 0.0
    extra: dict = field(default_factory=dict)


def fingerprint(spec: Any, targets: Sequence[Any], base: Params) -> str:
    """What the evaluations depend on, except the point: scale, seeds, targets, scenario."""
    content = json.dumps(
        [
            spec.scale,
            spec.seeds,
            spec.base_seed,
            [asdict(t) for t in targets],
            base.model_dump(mode="json"),
        ],
        sort_keys=True,
    )
    return hashlib.sha256(content.encode()).hexdigest()[:16]


def read_checkpoint(path: Path, expected: str | None = None) -> list[Evaluation]:
    """Evaluations saved so far; a torn last line (killed writer) is ignored.

    The first line names what the evaluations depend on; a checkpoint made for
    another scale, seeds, targets or scenario is refused rather than reused.
    """
    if not path.exists():
        return []
    lines = path.read_text(encoding="utf-8").splitlines()
    header = _parse(lines[0]) if lines else None
    made_for = header.get("fingerprint") if isinstance(header, dict) else None
    if expected is not None and made_for is not None and made_for != expected:
        raise ConfigError(
            f"{path}: checkpoint of a different calibration (scale, seeds, "
            "targets or scenario changed); pass --fresh to start over"
        )
    records = []
    for line in lines:
        data = _parse(line)
        if isinstance(data, dict) and "fingerprint" not in data:
            try:
                records.append(Evaluation(**data))
            except TypeError:
                continue
    return records


def _parse(line: str) -> object:
    try:
        return json.loads(line)
    except json.JSONDecodeError:
        return None


def append_checkpoint(path: Path, record: Evaluation, fingerprint_: str = "") -> None:
    """Append one evaluation as a JSON line and force it to disk (header line first)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as handle:
        if handle.tell() == 0 and fingerprint_:
            handle.write(json.dumps({"fingerprint": fingerprint_}) + "\n")
        handle.write(json.dumps(asdict(record), allow_nan=True) + "\n")
        handle.flush()
        os.fsync(handle.fileno())
