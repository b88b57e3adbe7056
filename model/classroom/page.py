"""The classroom page: Mesa's controls (reset, play, step) and parameter inputs around a
`ClassroomEconomy`, the panels of `model.classroom.views`, and a counterfactual twin.

Run it with `littlegiants app`. Mesa's `ModelCreator` keeps the inputs' values; RESET
builds a new economy from them, and a policy slider moved during a run reaches the
running economy at once (`request_changes`), to act from the next quarter on. The
panels are laid out by this page rather than by SolaraViz's draggable grid, so charts
never overlap on a projector.
"""

from __future__ import annotations

import solara
from mesa.visualization.solara_viz import ModelController, ModelCreator
from mesa.visualization.user_param import Slider
from mesa.visualization.utils import force_update

from model.calendar import parse_quarter, quarter_label
from model.classroom import spare
from model.classroom.levers import AS_IN_SCENARIO, DEFAULT_SCALE, NEVER, RESET_ONLY, Settings
from model.classroom.session import TITLE, ClassroomEconomy
from model.classroom.views import PAGE_CSS, Dashboard
from model.params.loading import PROJECT_SCENARIOS, question_scenarios

SCALES = [0.005, 0.01, DEFAULT_SCALE, 0.05]
FIRST_QUARTER, LAST_QUARTER = "2019Q1", "2025Q4"
FASTEST_MS = 1  # Mesa's play loop sleeps this long between quarters at the fastest


def start_quarters() -> list[str]:
    """Choices for when restrictions begin: as in the scenario, never, or a quarter."""
    first, last = parse_quarter(FIRST_QUARTER), parse_quarter(LAST_QUARTER)
    return [AS_IN_SCENARIO, NEVER, *(quarter_label(q) for q in range(first, last + 1))]


# Keyword arguments of ClassroomEconomy as Mesa's inputs (label, range, start).
MODEL_PARAMS = {
    "scenario_name": {
        "type": "Select",
        "label": "Scenario",
        "value": "baseline",
        "values": question_scenarios([PROJECT_SCENARIOS]),
    },
    "support_scale": Slider("Fiscal awards ×", 1.0, 0.0, 5.0, 0.25),
    "guidance_fund_scale": Slider("Guidance funds ×", 1.0, 0.0, 5.0, 0.25),
    "loan_to_value": Slider("Bank credit limit", Settings.loan_to_value, 0.0, 1.0, 0.05),
    "zone_share": Slider("High-tech zones", Settings.zone_share, 0.0, 1.0, 0.01),
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
def TwinControls(model: ClassroomEconomy) -> None:
    """Fork a twin with today's sliders, or stop it."""

    def fork() -> None:
        model.fork_twin()
        force_update()

    def drop() -> None:
        model.drop_twin()
        force_update()

    with solara.Row(justify="space-between", style="margin-top: 8px;"):
        solara.Button("Fork a twin", on_click=fork, color="secondary", classes=["lg-fork"])
        solara.Button("Drop twin", on_click=drop, outlined=True, disabled=model.twin is None)


def live_changes(model: ClassroomEconomy, requested: dict) -> dict:
    """The inputs whose value differs from the running economy's settings."""
    return {
        k: v
        for k, v in requested.items()
        if k not in RESET_ONLY and hasattr(model.settings, k) and getattr(model.settings, k) != v
    }


@solara.component
def Page() -> None:
    """One economy per browser session: Mesa's controls, the inputs and the panels."""
    initial = solara.use_memo(spare.take, dependencies=[])  # built ahead if it could be
    # Reactives of our own, handed to Mesa's controls: RESET puts the new economy in
    # `model`, and `requested` holds the inputs' values, so a moved slider reaches the
    # running economy and the panels always draw the economy the controls step.
    model = solara.use_reactive(initial)
    requested = solara.use_reactive({})
    pause_ms = solara.use_reactive(FASTEST_MS)
    # Mesa's controller reads `.value` of these, so they must be reactives too.
    every_quarter, no_threads = solara.use_reactive(1), solara.use_reactive(False)

    def send_moves() -> None:
        moves = live_changes(model.value, requested.value)
        if moves:
            model.value.request_changes(**moves)
            force_update()

    solara.use_effect(send_moves, [requested.value])
    solara.Title(TITLE)
    solara.Style(PAGE_CSS)
    with solara.AppBar():
        solara.AppBarTitle(TITLE)
    with solara.Sidebar(), solara.Column():
        with solara.Card("Controls"):
            ModelController(
                model,
                model_parameters=requested,
                play_interval=pause_ms,
                render_interval=every_quarter,
                use_threads=no_threads,
            )
            TwinControls(model.value)
            solara.SliderInt(
                "Pause between quarters (ms)", value=pause_ms, min=FASTEST_MS, max=500, step=10
            )
        with solara.Card("Model parameters"):
            ModelCreator(model, MODEL_PARAMS, model_parameters=requested)
    Dashboard(model.value, requested.value)


__all__ = ["MODEL_PARAMS", "ClassroomEconomy", "Page"]
