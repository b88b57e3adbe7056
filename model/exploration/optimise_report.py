"""The optimise report: the search, the cheapest robust policy in words, the Pareto set
of cost against robustness (table and chart), and the policy files written."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
from matplotlib.figure import Figure

from model.exploration.measures import format_number
from model.exploration.optimise import COST, EVALUATIONS, ROBUSTNESS, OptimiseResult
from model.exploration.policies import write_policy
from model.exploration.study import Study
from model.io import write_parquet, write_text
from model.reports.charts import new_figure, save_figure
from model.reports.report import markdown_table

FIGURES = "figures"
PARETO = "pareto.parquet"


def lever_text(study: Study, row: pd.Series) -> str:
    """A policy's levers in words: 'fiscal award scale 0.62, ...'."""
    parts = []
    for lever in study.levers:
        value = row[lever.name]
        parts.append(f"{lever.text} {format_number(float(value))}")
    return ", ".join(parts)


def write_policies(result: OptimiseResult, out: Path) -> list[Path]:
    """The chosen policies as scenario files policy_1.toml, ... (old ones removed)."""
    for old in out.glob("policy_*.toml"):
        old.unlink()
    study, paths = result.study, []
    for number, (_, row) in enumerate(result.chosen().iterrows(), start=1):
        description = (
            f"Policy {number} of `littlegiants optimise` on {study.name}: "
            f"{lever_text(study, row)}. Mean cost {row[COST]:,.1f} bn yuan over "
            f"{study.spec.worlds} sampled worlds at scale {study.spec.scale:g}; "
            f"{result.target.text} in {row[ROBUSTNESS]:.0%} of them."
        )
        name = f"{study.name}_policy_{number}"
        levers = {lever.name: row[lever.name] for lever in study.levers}
        paths.append(write_policy(study, out / f"policy_{number}.toml", name, description, levers))
    return paths


def pareto_chart(result: OptimiseResult) -> Figure:
    """Mean cost against robustness: every evaluated policy, the Pareto set, the chosen."""
    fig = new_figure(7.5, 4.8)
    ax = fig.add_subplot()
    if len(result.evaluated):
        ax.scatter(result.evaluated[COST], result.evaluated[ROBUSTNESS], s=12, color="#BBBBBB",
                   label="evaluated policies")  # fmt: skip
    pareto = result.pareto.sort_values(COST)
    ax.plot(pareto[COST], pareto[ROBUSTNESS], "o-", color="#0072B2", label="Pareto set")
    chosen = result.chosen()
    ax.scatter(chosen[COST], chosen[ROBUSTNESS], s=160, facecolors="none", edgecolors="#D55E00",
               linewidths=2, label="policy files")  # fmt: skip
    ax.axhline(result.study.spec.robustness, color="#009E73", linestyle="--",
               label=f"required ({result.study.spec.robustness:.0%})")  # fmt: skip
    ax.set_xlabel("mean cost over the sampled worlds, bn yuan (fiscal + guidance funds)")
    ax.set_ylabel("share of sampled worlds meeting the target")
    ax.set_ylim(-0.03, 1.03)
    ax.legend(fontsize="small", loc="lower right")
    ax.set_title(f"{result.study.name}: {result.target.text}", fontsize="medium")
    return fig


def write_optimise_report(result: OptimiseResult, out: Path, where: str) -> tuple[Path, list[Path]]:
    """report.md, the Pareto table, the chart and the policy files; returns the report and
    the policy files."""
    shutil.rmtree(out / FIGURES, ignore_errors=True)
    write_parquet(out / PARETO, result.pareto)
    policies = write_policies(result, out)
    save_figure(pareto_chart(result), out / FIGURES / "pareto.png")
    sections = [
        f"# Optimise: {result.study.name}",
        result.study.spec.description.strip(),
        search_section(result, where),
        answer_section(result, policies),
        pareto_section(result, policies),
        "![Mean cost against robustness](figures/pareto.png)",
        files_section(),
    ]
    report = write_text(out / "report.md", "\n\n".join(s for s in sections if s) + "\n")
    return report, policies


def search_section(result: OptimiseResult, where: str) -> str:
    """What was searched, over which worlds, with which budget."""
    spec, study = result.study.spec, result.study
    cost = result.cost
    rows = [[v.text, f"`{v.name}`", v.role, f"{v.low:g} – {v.high:g}"] for v in study.variables]
    return "\n".join(
        [
            "## What was searched",
            "",
            f"Base scenario `{spec.scenario}` at scale {spec.scale:g}. {spec.worlds} worlds "
            f"sampled from the uncertainties (Latin hypercube, base seed {spec.base_seed}) × "
            f"{spec.seeds_per_world} seed(s), the same seeds for every policy. EMA Workbench's "
            f"robust optimisation (platypus ε-NSGA-II, population {spec.population}, seeded) "
            f"evaluated {len(result.evaluated)} policies (budget {spec.nfe}): {result.runs} runs "
            f"in {where}, {result.seconds:.0f} s (finished generations replay from disk).",
            "",
            f"Objectives: the mean cost over the worlds (the sum of {', '.join(cost.variables)} "
            f"from {cost.quarters[0]} to {cost.quarters[-1]}, from the model's own ledger; "
            "levers act over the whole run) and the share of worlds in which "
            f"{result.target.text} (each world's value is the mean over its seeds). "
            f"ε = {spec.epsilons.cost_bn_yuan:g} bn yuan and {spec.epsilons.robustness:g}.",
            "",
            markdown_table(["variable", "key", "role", "range"], rows, left=3),
        ]
    )


def answer_section(result: OptimiseResult, policies: list[Path]) -> str:
    """The cheapest robust policy in one sentence."""
    spec = result.study.spec
    if not len(result.robust):
        best = result.chosen().iloc[0]
        levers = lever_text(result.study, best)
        return (
            f"## The answer\n\nNo policy found holds {result.target.text} in "
            f"{spec.robustness:.0%} of the worlds; the most robust holds it in "
            f"{best[ROBUSTNESS]:.0%} at {best[COST]:,.1f} bn yuan ({levers}), "
            f"written as `{policies[0].name}`."
        )
    best = result.robust.iloc[0]
    return (
        f"## The answer\n\n**The cheapest lever mix found that keeps {result.target.text} in at "
        f"least {spec.robustness:.0%} of the {spec.worlds} sampled worlds costs "
        f"{best[COST]:,.1f} bn yuan (mean over the worlds) and holds the target in "
        f"{best[ROBUSTNESS]:.0%} of them: {lever_text(result.study, best)}** "
        f"(`{policies[0].name}`). These are in-sample estimates over the search's own worlds "
        "and seeds; compare the policy files with more seeds before relying on them."
    )


def pareto_section(result: OptimiseResult, policies: list[Path]) -> str:
    """The Pareto set, cheapest first, with the files of the chosen policies."""
    files = {index: path.name for index, path in zip(result.chosen().index, policies, strict=True)}
    levers = result.study.levers
    rows = [
        [files.get(i, ""), f"{row[COST]:,.1f}", f"{row[ROBUSTNESS]:.0%}"]
        + [format_number(float(row[v.name])) for v in levers]
        for i, row in result.pareto.iterrows()
    ]
    header = ["file", "cost, bn yuan", "robustness", *[v.text for v in levers]]
    return "## Pareto set (cost against robustness)\n\n" + markdown_table(header, rows)


def files_section() -> str:
    """Where the results are."""
    return (
        "## Files\n\n"
        f"- `policy_*.toml`: the chosen policies as scenarios (`extends` the base scenario).\n"
        f"- `{PARETO}`: the Pareto set (levers, cost, robustness).\n"
        f"- `{EVALUATIONS}/generation-*/results/`: every run of every generation (Parquet, as "
        "`sweep` writes); rerunning the command replays finished generations from them."
    )
