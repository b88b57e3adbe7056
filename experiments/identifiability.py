"""How much could the calibration targets identify at best? The linear-Gaussian reading
of the calibration's own simulations (model/calibration/information.py), printed with
each statistic's R^2; `littlegiants calibrate` puts the same table in its report.

    .venv/bin/python experiments/identifiability.py [runs/calibration]
"""

from __future__ import annotations

import sys
from pathlib import Path

import pyabc

from model.calibration.information import MIN_R2, history_information
from model.calibration.spec import load_spec
from model.calibration.summary import IDENTIFIED_RATIO


def main(folder: Path) -> None:
    spec = load_spec("experiments/calibration.toml")
    history = pyabc.History(f"sqlite:///{(folder / 'abc.db').resolve()}")
    info = history_information(history, spec)
    if info is None:
        raise SystemExit(f"{folder / 'abc.db'}: too few particles for the regression")
    print(f"{info.particles} particles; {info.kept.sum()} of {len(info.statistics)} kept")
    for key, value in zip(info.statistics, info.r2, strict=True):
        print(f"  R^2 {value:5.2f}  {key}{'' if value > MIN_R2 else '  (left out)'}")
    print(f"{info.zero_directions} of {len(info.parameters)} directions seen by no target")
    ranked = sorted(zip(info.parameters, info.width_ratios, strict=True), key=lambda x: x[1])
    for name, ratio in ranked:
        print(
            f"  {ratio:5.2f}  {'identified' if ratio < IDENTIFIED_RATIO else '          '}  {name}"
        )
    print(f"identified at best: {sum(r < IDENTIFIED_RATIO for _, r in ranked)} of {len(ranked)}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("runs/calibration"))
