"""The classroom page: Mesa's SolaraViz around a `ClassroomEconomy`.

Run it with `littlegiants app` (or `solara run model.app`). The sidebar is Mesa's
SolaraViz: controls (reset, play, step) and the sliders; moving a slider takes effect
when the class presses RESET, which builds a new economy from the scenario and the
sliders. The panels are laid out by this page rather than by SolaraViz's draggable
grid, whose grid library (a Vue 2 plugin) does not load under ipyvue 3, and a fixed
layout never lets charts overlap on a projector.
Importing this module needs no browser: the model and its data are in
`model.app_model`, the pictures in `model.app_figures` and `model.app_network`.
"""

from __future__ import annotations

import solara
from mesa.visualization import SolaraViz
from mesa.visualization.user_param import Slider

from model.calendar import parse_quarter, quarter_label
from model.classroom.session import (
    AS_IN_SCENARIO,
    DEFAULT_SCALE,
    NEVER,
    TITLE,
    ClassroomEconomy,
    classroom_params,
    firm_history,
    network_sample,
)
from model.classroom.views import PAGE_CSS, Dashboard
from model.params.loading import PROJECT_SCENARIOS, load_scenario, question_scenarios

START = load_scenario("baseline")  # where the sliders start: the calibrated baseline
SCALES = [0.005, 0.01, DEFAULT_SCALE, 0.05]
FIRST_QUARTER, LAST_QUARTER = "2019Q1", "2025Q4"


def start_quarters() -> list[str]:
    """Choices for when restrictions begin: as in the scenario, never, or a quarter."""
    first, last = parse_quarter(FIRST_QUARTER), parse_quarter(LAST_QUARTER)
    return [AS_IN_SCENARIO, NEVER, *(quarter_label(q) for q in range(first, last + 1))]


# Keyword arguments of ClassroomEconomy as Mesa's SolaraViz inputs (label, range, start).
MODEL_PARAMS = {
    "scenario_name": {
        "type": "Select",
        "label": "Scenario",
        "value": "baseline",
        "values": question_scenarios([PROJECT_SCENARIOS]),
    },
    "support_scale": Slider("Fiscal awards ×", 1.0, 0.0, 5.0, 0.25),
    "guidance_fund_scale": Slider("Guidance funds ×", 1.0, 0.0, 5.0, 0.25),
    "loan_to_value": Slider("Bank credit limit", START.finance.bank.loan_to_value, 0.0, 1.0, 0.05),
    "zone_share": Slider("High-tech zones", START.population.zone_share, 0.0, 1.0, 0.01),
    "severity_scale": Slider("Restrictions ×", 1.0, 0.0, 3.0, 0.25),
    "restriction_start": {
        "type": "Select",
        "label": "Restrictions begin",
        "value": AS_IN_SCENARIO,
        "values": start_quarters(),
    },
    "seed": Slider("Seed", 1, 1, 100, 1),
    "scale": {
        "type": "Select",
        "label": "Scale (share of firms simulated)",
        "value": DEFAULT_SCALE,
        "values": SCALES,
    },
}


@solara.component
def Page() -> None:
    """One economy per browser session: Mesa's SolaraViz controls and the panels."""
    initial = solara.use_memo(ClassroomEconomy, dependencies=[])
    # A reactive of our own, handed to SolaraViz: its RESET puts the new economy here,
    # so the panels below always draw the economy that the controls step.
    model = solara.use_reactive(initial)
    solara.Title(TITLE)
    solara.Style(PAGE_CSS)
    SolaraViz(model, components=[], model_params=MODEL_PARAMS, name=TITLE)
    Dashboard(model.value)


__all__ = [
    "MODEL_PARAMS",
    "ClassroomEconomy",
    "Page",
    "classroom_params",
    "firm_history",
    "network_sample",
]
