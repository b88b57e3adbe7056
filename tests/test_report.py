"""The report: files it writes, numbers it shows, and results holding several scenarios."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from known_results import exact_results, shifted
from matplotlib.figure import Figure
from pictures import A_LINE, drawn_in, pixels

from model import load_scenario, replicate
from model.evidence.observed import TARGETS, fit_table
from model.reports.charts import (
    CHARTS,
    national_little_giants_chart,
    plot_variable,
    quarter_time,
)
from model.reports.report import (
    describe,
    fit_markdown,
    format_band,
    format_change,
    format_value,
    key_figures,
    write_report,
)

BASELINE_COLOUR = "#0072B2"  # the first scenario's (Okabe-Ito blue)
IMAGE_LINK = re.compile(r"!\[[^\]]*\]\(([^)\s]+)\)")
FIT_HEADING = "Fit to observed facts"


@pytest.fixture(scope="module")
def results() -> pd.DataFrame:
    """A small real baseline: scale 0.02, two seeds."""
    return replicate(load_scenario("baseline", scale=0.02), seeds=2)


@pytest.fixture(scope="module")
def two_scenarios(results: pd.DataFrame) -> pd.DataFrame:
    """The baseline plus a second run under another scenario label."""
    other = replicate(load_scenario("baseline", scale=0.02, name="alternative"), seeds=2)
    return pd.concat([results, other], ignore_index=True)


@pytest.fixture(scope="module")
def report(results: pd.DataFrame, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The report for `results`, written once for the module (drawing charts takes seconds)."""
    out = tmp_path_factory.mktemp("report")
    return write_report(results, out, title="Baseline test", notes=["A note."])


def tables(markdown: str, heading: str) -> list[list[list[str]]]:
    """Body rows (cells as strings) of the table under each '## <heading>...' section."""
    found = []
    for section in re.split(r"^## ", markdown, flags=re.MULTILINE)[1:]:
        if section.startswith(heading):
            lines = [ln for ln in section.splitlines() if ln.startswith("| ")]
            found.append([[c.strip() for c in ln.strip("| ").split(" | ")] for ln in lines[2:]])
    return found


def shown_number(cell: str) -> float:
    """'18,790' -> 18790.0, '33.3 million yuan' -> 33.3, '51.1%' -> 51.1."""
    return float(re.match(r"[-+]?[\d,]+(?:\.\d+)?", cell).group().replace(",", ""))


def target_mean(results: pd.DataFrame, variable: str, quarter: str) -> float:
    rows = results[(results["variable"] == variable) & (results["quarter"] == quarter)]
    return float(rows["value"].mean())


def test_report_embeds_every_chart_and_each_shows_the_runs(report: Path) -> None:
    text = report.read_text(encoding="utf-8")
    embedded = IMAGE_LINK.findall(text)
    charts = [link for link in embedded if "province_map" not in link]
    assert len(charts) == len(CHARTS) == 8 and len(embedded) == 9  # and the province map
    for link in charts:
        image = pixels(report.parent / link)
        # The baseline's colour draws the medians (the yearly bars at 85% opacity): an
        # empty canvas, or a panel saying there are no model values, has none of it.
        opacity = 0.85 if "certifications" in link else 1.0
        assert drawn_in(image, BASELINE_COLOUR, opacity) >= A_LINE, link
    written = {p.name for p in (report.parent / "figures").iterdir()}
    assert written == {Path(link).name for link in embedded}  # the report names every file
    assert text.startswith("# Baseline test\n") and "- A note." in text


def test_national_chart_draws_the_median_of_the_runs_and_the_observed_totals(results) -> None:
    ax = national_little_giants_chart(results).axes[0]
    (line,) = ax.get_lines()
    rows = results[results["variable"] == "national_little_giants"]
    median = rows.groupby("quarter")["value"].median()  # '2019Q1' < '2019Q2' < ... in time
    assert line.get_color() == BASELINE_COLOUR and len(median) == 28
    np.testing.assert_allclose(line.get_xdata(), [2019 + i / 4 for i in range(28)])
    np.testing.assert_allclose(line.get_ydata(), median.to_numpy())
    (dots,) = [c for c in ax.collections if c.get_label() == "observed"]
    totals = [t.observed for t in TARGETS if t.variable == "national_little_giants"]
    np.testing.assert_allclose(
        dots.get_offsets(),
        [(year + 0.75, n) for year, n in zip(range(2021, 2026), totals, strict=True)],
    )


def test_fit_table_has_one_row_per_target_in_order(report: Path) -> None:
    (fit,) = tables(report.read_text(encoding="utf-8"), FIT_HEADING)
    assert len(fit) == len(TARGETS)
    assert [(row[0], row[1]) for row in fit] == [
        (describe(t.variable)[0], t.quarter) for t in TARGETS
    ]


def test_fit_table_marks_only_the_facts_outside_their_tolerance() -> None:
    moved = shifted(exact_results(), "national_little_giants", "2023Q4", times=1.06)
    moved = shifted(moved, "lg_share_key_chain", "2025Q4", by=-0.06)
    moved = shifted(moved, "lg_rd_spend_mean_yuan", "2024Q4", times=3.0)  # above a bound
    markdown = fit_markdown(fit_table(moved))
    (fit,) = tables(f"## {FIT_HEADING}\n{markdown}", FIT_HEADING)
    shown = {(row[0], row[1]): " | ".join(row[2:]) for row in fit}
    assert shown["National little giants", "2023Q4"] == (
        "12,000 | 12,720 | 12,720–12,720 | +6.0% | ±5% | point | fit, required | ✗"
    )
    assert shown["Little giants at key chain links", "2025Q4"] == (
        "80.0% | 74.0% | 74.0%–74.0% | -6.0 pp | ±5 pp | point | fit, required | ✗"
    )
    assert shown["R&D per little giant, last 4 quarters", "2024Q4"] == (
        "30.0 million yuan | 90.0 million yuan | 90.0–90.0 million yuan | +200.0% | ≥ −10% "
        "| lower bound | fit, required | ✓"
    )
    failed = [(row[0], row[1]) for row in fit if row[-1] == "✗"]
    assert failed == [
        ("National little giants", "2023Q4"),
        ("Little giants at key chain links", "2025Q4"),
    ]
    assert markdown.endswith(
        f"\n\n{len(TARGETS) - 2} of {len(TARGETS)} targets within tolerance "
        "(errors relative to the observed value, or in share points (pp) for shares; a bound "
        "passes on its open side)."
    )


def test_fit_table_model_means_match_the_results(results: pd.DataFrame, report: Path) -> None:
    (fit,) = tables(report.read_text(encoding="utf-8"), FIT_HEADING)
    rows = {(row[0], row[1]): row for row in fit}

    def shown(variable: str, quarter: str) -> list[str]:
        return rows[(describe(variable)[0], quarter)]

    giants = shown("national_little_giants", "2025Q4")
    assert giants[2] == "17,600"  # observed, with a thousands separator
    mean = target_mean(results, "national_little_giants", "2025Q4")
    assert abs(shown_number(giants[3]) - mean) <= 0.5  # shown in whole firms
    rd = shown("lg_rd_spend_mean_yuan", "2024Q4")
    assert rd[2] == "30.0 million yuan" and rd[3].endswith(" million yuan")
    mean = target_mean(results, "lg_rd_spend_mean_yuan", "2024Q4")
    assert abs(shown_number(rd[3]) - mean / 1e6) <= 0.051  # one decimal
    zone = shown("lg_share_high_tech_zone", "2025Q4")
    (target,) = [t for t in TARGETS if t.variable == "lg_share_high_tech_zone"]
    share = target_mean(results, "lg_share_high_tech_zone", "2025Q4")
    assert zone[3].endswith("%") and abs(shown_number(zone[3]) - 100 * share) <= 0.051
    assert zone[5].endswith(" pp")
    assert abs(shown_number(zone[5]) - 100 * (share - target.observed)) <= 0.051


@pytest.fixture(scope="module")
def uneven(results: pd.DataFrame) -> pd.DataFrame:
    """Three runs where mean and median differ: run 0 once more under a new run id.

    With two runs the median equals the mean, so it could not tell them apart.
    """
    extra = results[results["run_id"] == 0].assign(run_id=2, seed=-1)
    return pd.concat([results, extra], ignore_index=True)


def test_fit_table_shows_the_mean_and_key_figures_the_median(uneven: pd.DataFrame) -> None:
    last = uneven[
        (uneven["variable"] == "national_little_giants") & (uneven["quarter"] == "2025Q4")
    ]["value"]
    assert abs(last.mean() - last.median()) > 1  # the check below can tell them apart
    fit = fit_markdown(fit_table(uneven))
    (row,) = [r for r in fit.splitlines() if r.startswith("| National little giants | 2025Q4 ")]
    assert abs(shown_number(row.split(" | ")[3]) - last.mean()) <= 0.5
    (key,) = tables("## Key figures\n" + key_figures(uneven), "Key figures")
    (row,) = [r for r in key if r[0] == "National little giants"]
    assert abs(shown_number(row[1]) - last.median()) <= 0.5


def test_two_scenarios_give_one_colour_each_and_one_fit_table_each(
    two_scenarios: pd.DataFrame, tmp_path: Path
) -> None:
    fig = plot_variable(two_scenarios, "national_little_giants")
    assert isinstance(fig, Figure)
    colours = {line.get_color() for line in fig.axes[0].get_lines()}
    assert len(colours) == 2
    path = write_report(two_scenarios, tmp_path, title="Two scenarios")
    fits = tables(path.read_text(encoding="utf-8"), FIT_HEADING)
    assert len(fits) == 2 and all(len(fit) == len(TARGETS) for fit in fits)
    assert f"## {FIT_HEADING}: baseline" in path.read_text(encoding="utf-8")
    assert f"## {FIT_HEADING}: alternative" in path.read_text(encoding="utf-8")
    assert not list(tmp_path.rglob("*.tmp"))


def test_no_temporary_files_remain(report: Path) -> None:
    leftovers = [p for p in report.parent.rglob("*") if p.name.endswith(".tmp")]
    assert leftovers == []


def test_empty_results_are_refused(tmp_path: Path) -> None:
    empty = pd.DataFrame(
        columns=["scenario", "run_id", "seed", "quarter", "year", "variable", "value"]
    )
    with pytest.raises(ValueError, match="empty"):
        write_report(empty, tmp_path, title="Nothing")
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize(
    ("value", "kind", "shown"),
    [
        (18_604.4, "firms", "18,604"),
        (0.4567, "share", "45.7%"),
        (33_640_000.0, "yuan", "33.6 million yuan"),
        (1_352_000_000_000.0, "yuan", "1,352.0 billion yuan"),
        (26.64, "number", "26.6"),
        (float("nan"), "firms", "—"),
    ],
)
def test_numbers_are_formatted_for_people(value: float, kind: str, shown: str) -> None:
    assert format_value(value, kind) == shown


@pytest.mark.parametrize(
    ("value", "kind", "shown"),
    [
        (1250.4, "firms", "+1,250"),
        (-0.021, "share", "-2.1 pp"),
        (3.4e6, "yuan", "+3.4 million yuan"),
        (-3.4e6, "yuan", "-3.4 million yuan"),
        (0.254, "number", "+0.3"),
        (-150.2, "number", "-150"),
    ],
)
def test_changes_are_signed_and_in_their_unit(value: float, kind: str, shown: str) -> None:
    assert format_change(value, kind) == shown


def test_a_yuan_band_uses_one_unit() -> None:
    assert format_band(900_000_000.0, 1_200_000_000.0, "yuan") == "0.9–1.2 billion yuan"


def test_quarters_become_real_time() -> None:
    assert quarter_time(["2021Q1", "2021Q3", "2025Q4"]).tolist() == [2021.0, 2021.5, 2025.75]
