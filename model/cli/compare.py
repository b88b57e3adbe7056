"""`littlegiants compare`: scenarios with common random numbers -> table and report."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

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
from model.comparison.channels import channel_variants, has_restrictions
from model.comparison.compare import compare as run_comparison
from model.comparison.compare import resolve
from model.errors import ConfigError
from model.io import write_parquet, write_text
from model.params.loading import load_scenario, question_scenarios
from model.simulation.runner import DEFAULT_BASE_SEED, seed_list, spawned_seed

MAX_DRAWS = 10_000
DRAW_STREAM = 17  # spawn key of the posterior draws' resampling (run seeds use (i,))


@app.command()
def compare(
    scenarios: Annotated[
        list[str] | None, typer.Argument(help="Scenarios; the first is the reference")
    ] = None,
    all_scenarios: Annotated[
        bool, typer.Option("--all", help="Every shipped scenario, baseline first")
    ] = False,
    seeds: Annotated[int, typer.Option(help="Runs per scenario (same seeds for each)")] = 20,
    scale: Scale = 1.0,
    out: Annotated[Path, typer.Option(help="Output folder")] = Path("runs/compare"),
    workers: Processes = 0,
    base_seed: BaseSeed = DEFAULT_BASE_SEED,
    readme: Annotated[
        Path | None,
        typer.Option(
            help="Also rewrite the scenario table in this README (with --posterior: its "
            "posterior table)"
        ),
    ] = None,
    overwrite: Annotated[bool, typer.Option(help="Replace results already in --out")] = False,
    channels: Annotated[
        bool,
        typer.Option(
            help="Also run the reference with each restriction channel alone and none "
            "(its 'Decomposition by channel'; not with --posterior)"
        ),
    ] = True,
    posterior: Annotated[
        int,
        typer.Option(
            help="Run every scenario over this many posterior draws x --seeds, and split "
            "each effect's band into seed noise and parameter uncertainty (0: off)"
        ),
    ] = 0,
    posterior_file: Annotated[
        Path | None,
        typer.Option(help="Posterior sample [default: scenarios/calibrated_posterior.parquet]"),
    ] = None,
) -> None:
    """Run scenarios with the same seeds; write results.parquet and report.md.

    Example: littlegiants compare baseline no_restrictions --seeds 20 --scale 0.1 --out runs/cmp

    With parameter uncertainty: littlegiants compare --all --posterior 20 --seeds 5 --scale 0.2
    """
    names = _scenario_names(scenarios or [], all_scenarios)
    check_seeds(seeds, base_seed)
    params = resolve(names, scale)
    draws = _posterior_draws(posterior, posterior_file, base_seed)
    out_dir = prepare_out_dir(out, overwrite)
    use_channels = channels and not draws
    variants = channel_variants(params[0]) if use_channels and has_restrictions(params[0]) else []
    reference_zones = params[0].zones.expansions
    zoned = [p for p in params[1:] if use_channels and p.zones.expansions != reference_zones]
    services = [v for p in (params[0], *zoned) for v in channel_variants(p, "zones.services")]
    services = services if zoned else []
    runs = [*params, *variants, *services]
    total = len(runs) * seeds * max(1, len(draws))
    started = time.perf_counter()
    label = f"{len(runs)} scenarios x {seeds} seeds"
    label += f" x {len(draws)} draws" if draws else ""
    with progress_bar(label, total) as advance:
        everything = _run(runs, draws, seed_list(seeds, base_seed), scale, workers, advance)
    names = everything["scenario"]
    results = everything[~names.isin([v.name for v in (*variants, *services)])]
    decomposed = everything[names.isin([v.name for v in variants] + [params[0].name])]
    zone_names = [v.name for v in services] + [params[0].name, *(p.name for p in zoned)]
    zone_runs = everything[names.isin(zone_names)]
    write_parquet(out_dir / "results.parquet", results)
    if variants:
        write_parquet(out_dir / "channels.parquet", decomposed)
    if services:
        write_parquet(out_dir / "zone_services.parquet", zone_runs)
    command = command_line()
    clear_figures(out_dir)
    from model.comparison.report import readme_section, write_comparison_report

    descriptions = {p.name: p.description for p in params}
    highlights = {p.name: p.highlights for p in params}
    channel_results = decomposed if variants else None
    service_results = {p.name: zone_runs for p in zoned} if services else None
    report = write_comparison_report(
        results,
        out_dir,
        params[0].name,
        descriptions,
        highlights,
        command,
        channel_results,
        service_results,
    )
    if readme is not None:
        if draws:
            from model.comparison.compare import summary_quarters
            from model.comparison.uncertainty_report import posterior_readme_section

            quarter = summary_quarters(results)[0]
            section = posterior_readme_section(results, params[0].name, quarter, command)
        else:
            section = readme_section(results, params[0].name, highlights, command, channel_results)
        _replace_readme_block(readme, section, posterior=bool(draws))
    console.print(
        f"[green]wrote[/] {out_dir / 'results.parquet'} and {report} "
        f"in {time.perf_counter() - started:.1f} s"
    )


def _posterior_draws(count: int, path: Path | None, base_seed: int) -> list[dict[str, float]]:
    """`count` draws from the posterior sample (none when `count` is 0)."""
    if count == 0:
        return []
    if not 2 <= count <= MAX_DRAWS:
        raise ConfigError(f"--posterior {count}: allowed 0 (off) or 2 <= draws <= {MAX_DRAWS}")
    from model.evidence.posterior import read_posterior

    return read_posterior(path).draws(count, spawned_seed(base_seed, DRAW_STREAM))


def _run(params, draws, seeds, scale, workers, advance):
    """All runs: scenarios x seeds, or scenarios x posterior draws x seeds."""
    total = len(params) * len(seeds) * max(1, len(draws))
    processes = min(workers or default_workers(), total)
    if not draws:
        return run_comparison(params, seeds, scale=scale, workers=processes, on_done=advance)
    from model.comparison.uncertainty import compare_over_posterior

    calibrated = load_scenario("calibrated")
    return compare_over_posterior(params, draws, seeds, calibrated, processes, advance)


def _scenario_names(names: list[str], all_scenarios: bool) -> list[str]:
    if all_scenarios:
        names = question_scenarios()
    if not names:
        raise ConfigError("name at least one scenario, or pass --all")
    return names


def _replace_readme_block(path: Path, section: str, posterior: bool) -> None:
    """Rewrite the generated block of a README (the posterior one for --posterior),
    leaving the rest as it is."""
    from model.comparison.report import replace_block

    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot be read ({exc})") from exc
    try:
        write_text(path, replace_block(text, section, posterior))
    except ValueError as exc:
        raise ConfigError(f"{path}: {exc}") from exc
