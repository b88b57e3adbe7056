"""`littlegiants study`: analyses of simulated firm data, such as the Entity-List event study."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer

from model.cli import app
from model.cli.common import (
    BaseSeed,
    Processes,
    Scale,
    check_seeds,
    clear_figures,
    command_line,
    console,
    default_workers,
    prepare_out_dir,
    progress_bar,
)
from model.params.loading import load_scenario
from model.simulation.runner import DEFAULT_BASE_SEED, replicate_seeds, run_jobs

study = typer.Typer(help="Analyses of simulated firm data.", no_args_is_help=True)
app.add_typer(study, name="study")


def _paths_job(job: tuple) -> tuple[pd.DataFrame, set[int]]:
    from model.studies.entity_list import matched_paths

    params, seed = job
    return matched_paths(params, seed)


@study.command("entity-list")
def entity_list(
    scenario: Annotated[str, typer.Option(help="Scenario with restriction events")] = "baseline",
    seeds: Annotated[int, typer.Option(help="Runs pooled (seeds spawned from --base-seed)")] = 5,
    scale: Scale = 1.0,
    out: Annotated[Path, typer.Option(help="Output folder")] = Path("runs/entity_list"),
    workers: Processes = 0,
    base_seed: BaseSeed = DEFAULT_BASE_SEED,
    overwrite: Annotated[bool, typer.Option(help="Replace results already in --out")] = False,
) -> None:
    """Listed SMEs against matched never-listed SMEs around the listing quarter.

    Writes effect.json (patent_applications_pct, ci_low_pct, ci_high_pct, treated_firms,
    control_firms), event_time.csv, an event-study chart and report.md.
    Example: littlegiants study entity-list --seeds 5 --out runs/entity_list
    """
    from model.errors import ConfigError
    from model.studies.effect import estimate, event_time_table
    from model.studies.report import write_study

    check_seeds(seeds, base_seed)
    params = load_scenario(scenario, scale=scale)
    if not any(e.smes for e in params.restrictions.events):
        raise ConfigError(f"scenario '{params.name}': no restriction event lists SMEs")
    out_dir = prepare_out_dir(out, overwrite, marker="effect.json")
    seed_list = replicate_seeds(base_seed, seeds)
    started = time.perf_counter()
    with progress_bar(f"{params.name} x {seeds} seeds", seeds) as advance:
        done = run_jobs(
            [(params, s) for s in seed_list],
            min(workers or default_workers(), seeds),
            advance,
            _paths_job,
        )
    paths = pd.concat([p for p, _ in done], ignore_index=True)
    controls = len(set().union(*(c for _, c in done)))
    try:
        effect = estimate(paths, controls, base_seed)
    except ValueError as exc:
        raise ConfigError(f"scenario '{params.name}' at scale {scale:g}: {exc}") from exc
    clear_figures(out_dir)
    context = {
        "scenario": params.name,
        "scale": scale,
        "seeds": seeds,
        "base_seed": base_seed,
        "command": command_line(),
        "seconds": round(time.perf_counter() - started, 1),
    }
    report = write_study(out_dir, effect, event_time_table(paths), context)
    console.print(
        f"[green]wrote[/] {report}: patent applications {effect['patent_applications_pct']:+.1f}% "
        f"({effect['ci_low_pct']:+.1f}% to {effect['ci_high_pct']:+.1f}%), "
        f"{effect['treated_firms']} listed firms, in {context['seconds']} s"
    )


@study.command("unidentified")
def unidentified_parameters(
    spec_file: Annotated[
        Path, typer.Option("--spec", help="Calibration spec whose posterior is shipped")
    ] = Path("experiments/calibration.toml"),
    scenarios: Annotated[
        str, typer.Option(help="Policy scenarios, comma-separated, each against --reference")
    ] = "no_fiscal_support,no_restrictions,tight_restrictions",
    reference: Annotated[str, typer.Option(help="Reference scenario")] = "baseline",
    variable: Annotated[str, typer.Option(help="Output the effects are on")] = (
        "national_little_giants"
    ),
    quarter: Annotated[str, typer.Option(help="Quarter of the effects")] = "2025Q4",
    seeds: Annotated[int, typer.Option(help="Seeds per value (common to all runs)")] = 5,
    scale: Scale = 0.2,
    out: Annotated[Path, typer.Option(help="Output folder")] = Path("runs/unidentified"),
    workers: Processes = 0,
    base_seed: BaseSeed = DEFAULT_BASE_SEED,
    overwrite: Annotated[bool, typer.Option(help="Replace results already in --out")] = False,
) -> None:
    """Whether the parameters the calibration leaves unidentified change policy effects.

    Each unidentified parameter at its posterior 5% and 95% values, every scenario against
    the reference at both (common random numbers). Writes reach.csv, summary.json, a chart
    and report.md. Example: littlegiants study unidentified --seeds 5 --scale 0.2
    """
    from model.calibration.spec import load_spec
    from model.calibration.summary import summarise
    from model.comparison.compare import resolve
    from model.comparison.reach import reach_table, run_reach, summary_counts, unidentified
    from model.comparison.reach_report import write_reach_study
    from model.errors import ConfigError
    from model.evidence.posterior import read_posterior

    check_seeds(seeds, base_seed)
    if seeds < 2:
        raise ConfigError(f"--seeds {seeds}: allowed seeds >= 2 (a reach needs an interval)")
    spec = load_spec(spec_file)
    posterior = read_posterior(spec.posterior_output)
    if posterior.parameters != [p.name for p in spec.parameters]:
        raise ConfigError(
            f"{spec.posterior_output}: its parameters are not those of {spec_file}; "
            "rerun `littlegiants calibrate` on the spec"
        )
    open_ones = unidentified(summarise(spec, posterior))
    if not open_ones:
        console.print("every free parameter is identified: nothing to study")
        return
    names = [n.strip() for n in scenarios.split(",") if n.strip()]
    if not names or reference in names:
        raise ConfigError(
            f"--scenarios '{scenarios}': give policy scenarios other than the reference"
        )
    base, *policies = resolve([reference, *names], scale)
    calibrated = load_scenario("calibrated", scale=scale)
    out_dir = prepare_out_dir(out, overwrite, marker="reach.csv")
    seed_list = replicate_seeds(base_seed, seeds)
    total = (1 + len(policies)) * (1 + 2 * len(open_ones)) * seeds
    started = time.perf_counter()
    with progress_bar(
        f"{len(open_ones)} parameters x {len(names) + 1} scenarios", total
    ) as advance:
        results = run_reach(
            base, policies, open_ones, seed_list, calibrated, workers or default_workers(), advance
        )
    if variable not in set(results["variable"]) or quarter not in set(results["quarter"]):
        raise ConfigError(f"--variable {variable} --quarter {quarter}: not in the runs' output")
    table = reach_table(results, base.name, open_ones, quarter, variable)
    clear_figures(out_dir)
    context = {
        "reference": base.name,
        "scale": scale,
        "seeds": seeds,
        "base_seed": base_seed,
        "command": command_line(),
        "seconds": round(time.perf_counter() - started, 1),
    }
    report = write_reach_study(out_dir, table, context)
    verdicts = summary_counts(table)
    console.print(f"[green]wrote[/] {report}: {verdicts} in {context['seconds']} s")
