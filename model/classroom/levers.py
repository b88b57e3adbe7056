"""The classroom's sliders as parameters: at reset they build a run's `Params`; moved
during a run they become dated policy changes that act from the next quarter on.

A run's parameters are frozen, so a slider moved mid-run replaces the economy's
`params` with `with_changes(...)` and turns the move into what the model already
knows how to do: restriction events re-timed or lifted by an easing, a zone
expansion, new budgets for the financiers. Nothing here needs a browser.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace
from typing import Any

from model.calendar import parse_quarter, quarter_label
from model.params import Params
from model.params.loading import load_scenario, with_changes
from model.params.policy import ZoneExpansion
from model.params.restrictions import RestrictionEvent

AS_IN_SCENARIO = "as in scenario"
NEVER = "never"
DEFAULT_SCALE = 0.02  # about 18,000 firms: a quarter takes ~12 ms
_BASELINE = load_scenario("baseline")  # the calibrated baseline: where the sliders start


@dataclass(frozen=True)
class Settings:
    """The page's controls: a scenario, five policy levers, the seed and the scale.

    Multipliers (`support_scale`, `guidance_fund_scale`, `severity_scale`) act on the
    scenario's own values; `loan_to_value` (share of collateral) and `zone_share`
    (share of firms in high-tech zones, 0-1) replace the scenario's value.
    """

    scenario_name: str = "baseline"
    support_scale: float = 1.0
    guidance_fund_scale: float = 1.0
    loan_to_value: float = _BASELINE.finance.bank.loan_to_value
    zone_share: float = _BASELINE.population.zone_share
    severity_scale: float = 1.0
    restriction_start: str = AS_IN_SCENARIO
    seed: int = 1
    scale: float = DEFAULT_SCALE

    def changed(self, other: Settings) -> dict[str, Any]:
        """The controls whose value differs in `other`: name -> new value."""
        return {
            f.name: getattr(other, f.name)
            for f in fields(self)
            if getattr(other, f.name) != getattr(self, f.name)
        }

    def as_keywords(self) -> dict[str, Any]:
        """The settings as keyword arguments (what Mesa's controls pass on reset)."""
        return asdict(self)


# Controls that only a reset can apply: they define a different economy from its start.
RESET_ONLY = frozenset({"scenario_name", "seed", "scale"})
LABELS = {
    "support_scale": "Fiscal awards ×{:g}",
    "guidance_fund_scale": "Guidance funds ×{:g}",
    "loan_to_value": "Bank credit limit {:.0%} of collateral",
    "zone_share": "High-tech zones {:.0%} of firms",
    "severity_scale": "Restrictions ×{:g}",
    "restriction_start": "Restrictions begin: {}",
}


def describe_change(name: str, value: Any) -> str:
    """A slider move in words, like 'Restrictions ×0.5'."""
    return LABELS[name].format(value)


def shift_restrictions(params: Params, start: str) -> tuple[dict[str, Any], ...]:
    """The scenario's restriction events moved so the first tightening falls in `start`.

    `start` is a quarter label, AS_IN_SCENARIO (unchanged) or NEVER (no events).
    Every event keeps its distance to the first one; events pushed outside the run
    are dropped (they would never happen).
    """
    events = [event.model_dump() for event in params.restrictions.events]
    if start == NEVER:
        return ()
    tightenings = [parse_quarter(e["quarter"]) for e in events if e["kind"] == "restriction"]
    if start == AS_IN_SCENARIO or not tightenings:
        return tuple(events)
    offset = parse_quarter(start) - min(tightenings)
    first, end = parse_quarter(params.time.start), parse_quarter(params.time.end)
    moved = []
    for event in events:
        quarter = parse_quarter(event["quarter"]) + offset
        if first <= quarter <= end:
            moved.append({**event, "quarter": quarter_label(quarter)})
    return tuple(moved)


def settings_params(settings: Settings) -> Params:
    """Parameters of the shipped scenario with the settings applied."""
    params = load_scenario(settings.scenario_name, scale=float(settings.scale))
    budget = params.finance.guidance_fund.annual_budget_myuan * settings.guidance_fund_scale
    changes: dict[str, Any] = {
        "fiscal.support_scale": params.fiscal.support_scale * settings.support_scale,
        "finance.guidance_fund.annual_budget_myuan": budget,
        "finance.bank.loan_to_value": settings.loan_to_value,
        "population.zone_share": settings.zone_share,
        "restrictions.severity_scale": params.restrictions.severity_scale * settings.severity_scale,
        "restrictions.events": shift_restrictions(params, settings.restriction_start),
    }
    source = f"classroom sliders on '{settings.scenario_name}'"
    return with_changes(params, changes, source=source)


def classroom_params(
    scenario_name: str = "baseline",
    support_scale: float = 1.0,
    guidance_fund_scale: float = 1.0,
    loan_to_value: float | None = None,
    zone_share: float | None = None,
    severity_scale: float = 1.0,
    restriction_start: str = AS_IN_SCENARIO,
    scale: float = DEFAULT_SCALE,
) -> Params:
    """Parameters of a shipped scenario with the classroom sliders applied; the credit
    limit and the zone share keep the scenario's own value when None."""
    shipped = load_scenario(scenario_name, scale=scale)
    settings = Settings(
        scenario_name=scenario_name,
        support_scale=support_scale,
        guidance_fund_scale=guidance_fund_scale,
        loan_to_value=shipped.finance.bank.loan_to_value
        if loan_to_value is None
        else loan_to_value,
        zone_share=shipped.population.zone_share if zone_share is None else zone_share,
        severity_scale=severity_scale,
        restriction_start=restriction_start,
        scale=scale,
    )
    return settings_params(settings)


def event_key(event: RestrictionEvent) -> str:
    """What identifies a restriction event across re-timings: its name, else its note."""
    return event.name or event.note


def future_restrictions(
    params: Params, quarter: int, applied: set[str]
) -> dict[int, list[RestrictionEvent]]:
    """The restriction events of `params` from `quarter` on, less those already applied
    (an event re-timed by a slider happens once)."""
    schedule: dict[int, list[RestrictionEvent]] = {}
    for event in params.restrictions.events:
        when = parse_quarter(event.quarter)
        if when >= quarter and event_key(event) not in applied:
            schedule.setdefault(when, []).append(event)
    return schedule


def lift_all(in_force: list[str], quarter: int, why: str) -> RestrictionEvent:
    """An easing at `quarter` that lifts every named restriction in force."""
    note = f"{why}: the {len(in_force)} restrictions in force are lifted"
    return RestrictionEvent(
        quarter=quarter_label(quarter), kind="easing", lifts=tuple(in_force), note=note
    )


def zone_entry(current_share: float, target: float, quarter: int) -> ZoneExpansion | None:
    """A zone expansion taking in enough firms outside zones to reach `target` (share of
    operating firms), or None when zones already hold that many (zones never shrink)."""
    if target <= current_share or current_share >= 1.0:
        return None
    share = min(1.0, (target - current_share) / (1.0 - current_share))
    note = f"High-tech zones take in {share:.0%} of the firms outside them"
    return ZoneExpansion(quarter=quarter_label(quarter), share=share, note=note)


def live_settings(settings: Settings, requested: dict[str, Any]) -> tuple[Settings, list[str]]:
    """The settings with the requested live changes, and the controls left for reset."""
    live = {k: v for k, v in requested.items() if k not in RESET_ONLY}
    waiting = sorted(k for k, v in requested.items() if k in RESET_ONLY)
    return replace(settings, **live), waiting
