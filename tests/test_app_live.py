"""The classroom's live levers, counterfactual twin and province map, without a browser:
a slider moved mid-run acts from the next quarter on and is news; the twin replays the
run exactly up to its fork; the map shows provinces only when the model reports them."""

from __future__ import annotations

import numpy as np
import pytest
from command_line import refusal
from pydantic import BaseModel

from model.classroom.provinces import PREFIX, province_counts, province_reporters
from model.classroom.session import ClassroomEconomy
from model.simulation.economy import Economy

SCALE = 0.005


def _run(model: ClassroomEconomy, quarters: int) -> ClassroomEconomy:
    for _ in range(quarters):
        model.step()
    return model


def test_restrictions_switched_off_mid_run_are_lifted_next_quarter() -> None:
    model = _run(ClassroomEconomy(scale=SCALE, seed=2), 8)  # to 2020Q4: listings in force
    assert (
        model.policy.restrictions.by_name
        and model.datacollector.model_vars["sanctioned_large_firms"][-1] > 0
    )
    model.request_changes(severity_scale=0.0)
    assert model.news[-1][0] == "2020Q4"  # nothing happens before the next quarter
    model.step()
    quarter, text = next((q, t) for q, t in model.news if "slider" in t)
    assert (quarter, text) == ("2021Q1", "Restrictions ×0 (slider)")
    assert any("restrictions in force are lifted" in t for q, t in model.news if q == "2021Q1")
    assert model.datacollector.model_vars["sanctioned_large_firms"][-1] == 0
    assert model.datacollector.model_vars["controlled_foreign_share"][-1] == 0
    _run(model, 8)
    later = [t for q, t in model.news if q > "2021Q1" and t.startswith("20")]
    assert not later  # no restriction is news once they are off
    assert model.changes == [(model.changes[0][0], {"severity_scale": 0.0})]


def _agents(economy: Economy) -> list:
    return [
        economy.bank,
        economy.vc,
        economy.guidance_fund,
        economy.government,
        economy.exchanges,
        *economy.programmes,
    ]


def _configured(agent, params) -> set[str]:
    """The float and parameter attributes `agent.configure(params)` sets: each is swapped
    for a marker first, and those the call overwrites are its configuration."""
    marker, before = object(), dict(vars(agent))
    swapped = [k for k, v in before.items() if isinstance(v, float | BaseModel)]
    for name in swapped:
        setattr(agent, name, marker)
    agent.configure(params)
    found = {k for k in swapped if getattr(agent, k) is not marker}
    for name in set(swapped) - found:
        setattr(agent, name, before[name])
    return found


def test_a_slider_moved_mid_run_reaches_the_agents_as_a_fresh_economy_has_it() -> None:
    model = _run(ClassroomEconomy(scale=SCALE, seed=4), 6)
    model.request_changes(guidance_fund_scale=3.0, loan_to_value=0.2, support_scale=2.0)
    model.step()
    fresh = Economy(model.params, seed=9)
    for ours, theirs in zip(_agents(model), _agents(fresh), strict=True):
        for name in _configured(theirs, fresh.params):
            assert getattr(ours, name) == getattr(theirs, name), (type(ours).__name__, name)
    assert model.bank.rules.loan_to_value == pytest.approx(0.2)
    base = ClassroomEconomy(scale=SCALE).guidance_fund.quarterly_budget
    assert model.guidance_fund.quarterly_budget == pytest.approx(3 * base)


def test_every_agent_setting_that_a_run_never_changes_is_refreshed() -> None:
    # Attributes constant over a run are configuration: each must be re-taken by the
    # agent's `configure`, or a core change that caches a new one would go stale.
    model = ClassroomEconomy(scale=SCALE, seed=5)
    agents = _agents(model)
    before = [dict(vars(a)) for a in agents]
    _run(model, 14)  # past the first programme batch (2021Q3): its state has moved
    for agent, old in zip(agents, before, strict=True):
        constant = {
            k for k, v in old.items() if isinstance(v, float | BaseModel) and v is getattr(agent, k)
        }
        assert constant <= _configured(agent, model.params.model_copy(deep=True)), agent


def test_the_twin_replays_the_run_up_to_its_fork_then_keeps_its_sliders() -> None:
    model = _run(ClassroomEconomy(scale=SCALE, seed=3), 4)
    model.request_changes(support_scale=2.0)
    _run(model, 4)
    twin = model.fork_twin()
    ours, theirs = model.datacollector.model_vars, twin.datacollector.model_vars
    for variable in ("national_little_giants", "large_firm_domestic_supply_share"):
        np.testing.assert_array_equal(ours[variable], theirs[variable])
    assert twin.settings == model.settings and twin.quarter == model.quarter
    model.request_changes(severity_scale=0.0)
    _run(model, 6)
    assert len(twin.quarter_labels) == len(model.quarter_labels)
    assert twin.settings.severity_scale == 1.0 and model.settings.severity_scale == 0.0
    assert theirs["controlled_foreign_share"][-1] > ours["controlled_foreign_share"][-1] == 0


def test_the_same_seed_and_slider_moves_give_the_same_run() -> None:
    runs = []
    for _ in range(2):
        model = _run(ClassroomEconomy(scale=SCALE, seed=6), 5)
        model.request_changes(zone_share=0.6, restriction_start="never")
        runs.append(_run(model, 5).datacollector.model_vars["national_little_giants"])
    assert runs[0] == runs[1]


def test_the_map_waits_for_province_reporters() -> None:
    model = _run(ClassroomEconomy(scale=SCALE), 2)
    collector = model.datacollector
    for name in [n for n in collector.model_reporters if n.startswith(PREFIX)]:
        del collector.model_reporters[name], collector.model_vars[name]
    assert province_counts(model) is None  # a model version without provinces


def test_the_map_colours_each_province_by_its_reporter() -> None:
    model = _run(ClassroomEconomy(scale=SCALE), 1)
    collector = model.datacollector
    for name in [n for n in collector.model_reporters if n.startswith(PREFIX)]:
        del collector.model_reporters[name], collector.model_vars[name]
    for name, value in (("jiangsu", 3000.0), ("inner_mongolia", 40.0)):
        collector.model_reporters[PREFIX + name] = lambda m: 0.0
        collector.model_vars[PREFIX + name] = [value]
    counts = province_counts(model)
    assert len(counts["pinyin"]) == 31
    value = dict(zip(counts["pinyin"], counts["value"], strict=True))
    assert value["jiangsu"] == 3000 and value["neimenggu"] == 40 and value["hainan"] is None


def test_the_map_shows_the_models_own_provinces() -> None:
    model = _run(ClassroomEconomy(scale=0.02), 12)
    counts = province_counts(model)
    value = dict(zip(counts["pinyin"], counts["value"], strict=True))
    assert len(value) == 31 and all(v is not None for v in value.values())
    assert sum(value.values()) == pytest.approx(
        model.datacollector.model_vars["national_little_giants"][-1]
    )
    with pytest.raises(ValueError, match="provinces not on the map: lg_count_province_atlantis"):
        province_reporters([PREFIX + "atlantis"])


def test_app_without_the_app_extra_says_what_to_run(monkeypatch: pytest.MonkeyPatch) -> None:
    import model.cli.classroom as command

    monkeypatch.setattr(command, "_importable", lambda name: name != "solara")
    message = refusal("app")
    assert "\n" not in message.strip() and "make app" in message and "solara" in message
