"""`littlegiants calibrate`: fit behavioural parameters to the observed 2021-25 facts."""

from __future__ import annotations

import shlex
import sys
import time
from pathlib import Path
from typing import Annotated

import typer

from model.cli import app
from model.cli.common import console, default_workers, progress_bar


@app.command()
def calibrate(
    spec_file: Annotated[
        Path, typer.Argument(help="Calibration TOML, e.g. experiments/calibration.toml")
    ],
    out: Annotated[Path, typer.Option(help="Folder for the checkpoint and the report")] = Path(
        "runs/calibration"
    ),
    workers: Annotated[int, typer.Option(help="Parallel processes [default: all cores]")] = 0,
    fresh: Annotated[bool, typer.Option(help="Discard the checkpoint and start over")] = False,
    write_scenario: Annotated[bool, typer.Option(help="Write the calibrated scenario file")] = True,
) -> None:
    """Fit the free parameters to the targets; resume from the checkpoint if there is one.

    Example: littlegiants calibrate experiments/calibration.toml --out runs/calibration
    """
    from model.calibration.report import scenario_toml, write_calibration_report
    from model.calibration.search import best, run_calibration
    from model.calibration.spec import load_spec
    from model.io import write_parquet, write_text
    from model.simulation.runner import replicate

    spec = load_spec(spec_file)
    checkpoint = out / "evaluations.jsonl"
    if fresh:
        checkpoint.unlink(missing_ok=True)
    started = time.perf_counter()
    with progress_bar("calibration", spec.budget) as advance:
        evaluator = run_calibration(
            spec, checkpoint, workers or default_workers(), on_step=lambda _: advance()
        )
    chosen = best(evaluator)
    console.print(f"best loss {chosen.loss:.4f}; final check at scale {spec.final_scale}")
    final_params = evaluator.params_for(chosen.values).model_copy(
        update={"scale": spec.final_scale}
    )
    final = replicate(
        final_params,
        seeds=spec.final_seeds,
        base_seed=spec.base_seed,
        workers=workers or default_workers(),
    )
    write_parquet(out / "final.parquet", final)
    report = write_calibration_report(out, spec, evaluator, final, time.perf_counter() - started)
    command = "littlegiants " + " ".join(shlex.quote(a) for a in sys.argv[1:])
    if write_scenario:
        write_text(spec.output, scenario_toml(spec, chosen, command))
        console.print(f"[green]wrote[/] {spec.output}")
    console.print(f"[green]wrote[/] {report} in {(time.perf_counter() - started) / 60:.1f} min")
