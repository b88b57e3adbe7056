"""The classroom's model: an `Economy` built from a scenario and slider values, with the
history of every firm kept for the firm card and a fixed sample of the supply network.

Nothing here needs a browser or Solara; the page (model/classroom/page.py) draws what this module
computes, and the tests check it against the economy's own arrays.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from model.calendar import parse_quarter, quarter_label
from model.params import Params
from model.params.loading import load_scenario, with_changes
from model.simulation.economy import Economy
from model.simulation.population import DEAD, STATUS_NAMES

TITLE = "Little giants classroom"
AS_IN_SCENARIO = "as in scenario"
NEVER = "never"
DEFAULT_SCALE = 0.02  # about 18,000 firms: a quarter takes ~10 ms, drawing it far more
HISTORY_COLUMNS = ("status", "revenue", "rd_stock", "patents", "customers", "capability")
_DEFAULTS = load_scenario("baseline")  # the calibrated baseline: the sliders' start


def shift_restrictions(params: Params, start: str) -> tuple[dict[str, Any], ...]:
    """The scenario's restriction events moved so the first tightening falls in `start`.

    `start` is a quarter label, AS_IN_SCENARIO (unchanged) or NEVER (no events).
    Every event keeps its distance to the first one; events pushed past the end of
    the run are dropped (they would never happen).
    """
    events = [event.model_dump() for event in params.restrictions.events]
    if start == NEVER:
        return ()
    tightenings = [parse_quarter(e["quarter"]) for e in events if e["kind"] == "restriction"]
    if start == AS_IN_SCENARIO or not tightenings:
        return tuple(events)
    offset = parse_quarter(start) - min(tightenings)
    end = parse_quarter(params.time.end)
    moved = []
    for event in events:
        quarter = parse_quarter(event["quarter"]) + offset
        if parse_quarter(params.time.start) <= quarter <= end:
            moved.append({**event, "quarter": quarter_label(quarter)})
    return tuple(moved)


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
    """Parameters of a shipped scenario with the classroom sliders applied.

    Multipliers (`support_scale`, `guidance_fund_scale`, `severity_scale`) act on the
    scenario's own values, so a slider at 1 leaves every scenario as shipped; the bank
    credit limit (loan-to-value, share of collateral) and the share of firms in
    high-tech zones (0-1) replace the scenario's value unless None.
    """
    params = load_scenario(scenario_name, scale=scale)
    budget = params.finance.guidance_fund.annual_budget_myuan * guidance_fund_scale
    changes: dict[str, Any] = {
        "fiscal.support_scale": params.fiscal.support_scale * support_scale,
        "finance.guidance_fund.annual_budget_myuan": budget,
        "restrictions.severity_scale": params.restrictions.severity_scale * severity_scale,
        "restrictions.events": shift_restrictions(params, restriction_start),
    }
    if loan_to_value is not None:
        changes["finance.bank.loan_to_value"] = loan_to_value
    if zone_share is not None:
        changes["population.zone_share"] = zone_share
    return with_changes(params, changes, source=f"classroom sliders on '{scenario_name}'")


class ClassroomEconomy(Economy):
    """An `Economy` built from keyword arguments (what Mesa's SolaraViz passes on reset).

    Besides the economy it keeps each quarter's snapshot of a few columns of every
    firm (for the firm card), the events of each quarter (for the news line) and a
    fixed sample of large buyers (for the network picture).
    """

    def __init__(
        self,
        scenario_name: str = "baseline",
        support_scale: float = 1.0,
        guidance_fund_scale: float = 1.0,
        loan_to_value: float = _DEFAULTS.finance.bank.loan_to_value,
        zone_share: float = _DEFAULTS.population.zone_share,
        severity_scale: float = 1.0,
        restriction_start: str = AS_IN_SCENARIO,
        seed: int = 1,
        scale: float = DEFAULT_SCALE,
    ) -> None:
        params = classroom_params(
            scenario_name,
            support_scale,
            guidance_fund_scale,
            loan_to_value,
            zone_share,
            severity_scale,
            restriction_start,
            float(scale),
        )
        super().__init__(params, seed=int(seed))
        self.history: list[dict[str, np.ndarray]] = []
        self.news: list[tuple[str, str]] = []  # (quarter, what happened) in order
        self.sample_buyers = network_buyers(self)
        self.followed_firm_id = default_firm(self, self.sample_buyers)
        self.random_draws = 0  # how often the class asked for a random firm

    def step(self) -> None:
        """One quarter, then the snapshot and the news of that quarter."""
        quarter = self.quarter
        super().step()
        for event in self.policy.schedule.get(quarter, []):
            self.news.append((quarter_label(quarter), event.note or type(event).__name__))
        pop = self.population
        snapshot = {"firm_id": pop.firm_id.copy()}
        snapshot |= {name: getattr(pop, name).copy() for name in HISTORY_COLUMNS}
        self.history.append(snapshot)

    def follow_random_firm(self) -> int:
        """Point the firm card at a random supplier of the network sample; returns its id."""
        self.random_draws += 1
        self.followed_firm_id = random_firm(self, self.random_draws)
        return self.followed_firm_id


def network_buyers(model: Economy, fields: int = 4, per_field: int = 2) -> np.ndarray:
    """A fixed sample of large buyers: `per_field` of middling size in each of the
    `fields - 1` most foreign-supplied fields and in the least foreign-supplied one.

    Chosen without random draws, so drawing the page never changes the simulation.
    """
    buyers = model.buyers
    foreign = np.array([s.foreign_supply_share for s in model.params.population.sectors])
    order = np.argsort(-foreign, kind="stable")
    chosen_fields = [*order[: fields - 1], order[-1]]
    sample = []
    for field in chosen_fields:
        members = np.flatnonzero(buyers.sector == field)
        distance = np.abs(np.log(buyers.demand[members] / np.median(buyers.demand[members])))
        sample.extend(members[np.argsort(distance, kind="stable")[:per_field]].tolist())
    return np.array(sample, dtype=np.int64)


@dataclass(frozen=True)
class NetworkSample:
    """The sampled buyers, their current suppliers and the links between them.

    `links` has one row per link: buyer (index), firm_id, status (of the supplier).
    `suppliers` has one row per supplier: firm_id, row (in the population), status,
    status_name and the buyers it supplies in the sample.
    """

    buyers: np.ndarray
    links: pd.DataFrame
    suppliers: pd.DataFrame


def network_sample(model: ClassroomEconomy, max_per_buyer: int = 60) -> NetworkSample:
    """Current supply links of the sampled buyers (at most `max_per_buyer` each,
    lowest firm ids first so that the same firms stay in the picture)."""
    pop, links = model.population, model.links
    frames = []
    for buyer in model.sample_buyers:
        rows = np.sort(links.suppliers_of(int(buyer)))
        ids = pop.firm_id[rows]
        keep = np.argsort(ids, kind="stable")[:max_per_buyer]
        rows = rows[keep]
        frames.append(
            pd.DataFrame({"buyer": int(buyer), "row": rows, "firm_id": pop.firm_id[rows]})
        )
    table = pd.concat(frames, ignore_index=True)
    table["status"] = pop.status[table["row"].to_numpy()].astype(int)
    suppliers = (
        table.groupby("firm_id", sort=True)
        .agg(row=("row", "first"), status=("status", "first"), buyers=("buyer", tuple))
        .reset_index()
    )
    suppliers["status_name"] = suppliers["status"].map(STATUS_NAMES)
    return NetworkSample(model.sample_buyers, table[["buyer", "firm_id", "status"]], suppliers)


def default_firm(model: Economy, buyers: np.ndarray) -> int:
    """The firm the card follows at the start: the most capable supplier of `buyers`."""
    pop = model.population
    rows = np.concatenate([model.links.suppliers_of(int(b)) for b in buyers])
    if len(rows) == 0:
        rows = np.flatnonzero(pop.alive)
    return int(pop.firm_id[rows[np.argmax(pop.capability[rows])]])


def random_firm(model: ClassroomEconomy, draw: int) -> int:
    """A random operating supplier of the network sample (any operating firm if none).

    Uses its own generator seeded by (seed, draw), not `model.rng`: picking a firm to
    look at must not change what the economy does next.
    """
    rng = np.random.default_rng([int(model.seed or 0), draw])
    suppliers = network_sample(model).suppliers
    ids = suppliers.loc[suppliers["status"] != DEAD, "firm_id"].to_numpy()
    if len(ids) == 0:
        ids = model.population.firm_id[model.population.alive]
    return int(rng.choice(ids))


def firm_history(model: ClassroomEconomy, firm_id: int) -> pd.DataFrame:
    """One firm's recorded quarters: quarter, time (decimal year) and HISTORY_COLUMNS.

    Quarters before the firm was founded or after it exited are absent.
    """
    rows = []
    for label, snapshot in zip(model.quarter_labels, model.history, strict=True):
        position = int(np.searchsorted(snapshot["firm_id"], firm_id))
        if position < len(snapshot["firm_id"]) and snapshot["firm_id"][position] == firm_id:
            values = {name: snapshot[name][position].item() for name in HISTORY_COLUMNS}
            rows.append({"quarter": label, "time": parse_quarter(label) / 4.0, **values})
    return pd.DataFrame(rows, columns=["quarter", "time", *HISTORY_COLUMNS])
