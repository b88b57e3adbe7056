"""The classroom's model: an `Economy` built from the page's settings, whose sliders act
during a run from the next quarter on, with a counterfactual twin, each firm's history
for the firm card and the news of each quarter.

Nothing here needs a browser or Solara; the page draws what this module computes, and
the tests check it against the economy's own arrays.
"""

from __future__ import annotations

import threading
from contextlib import nullcontext
from typing import Any

import numpy as np

from model.calendar import parse_quarter, quarter_label
from model.classroom.levers import (
    AS_IN_SCENARIO,
    DEFAULT_SCALE,
    NEVER,
    Settings,
    describe_change,
    event_key,
    lift_all,
    live_settings,
    settings_params,
    zone_entry,
)
from model.classroom.network import default_firm, network_buyers, random_firm
from model.params.restrictions import RestrictionEvent
from model.simulation.economy import Economy

TITLE = "Little giants classroom"
# Columns of every firm kept each quarter for the firm card, with their stored type.
HISTORY_COLUMNS = {
    "status": np.int8,
    "revenue": np.float32,
    "rd_stock": np.float32,
    "patents": np.int32,
    "customers": np.int16,
    "capability": np.float32,
}


class ClassroomEconomy(Economy):
    """An `Economy` built from keyword arguments (what Mesa's controls pass on reset).

    `request_changes(...)` moves sliders during the run: the change is applied when the
    next quarter starts, recorded in `changes` and in the `news`. `fork_twin()` starts
    a second economy with the same seed and the settings of that moment, stepped
    along with this one. `history` keeps a few columns of every firm each quarter.
    """

    def __init__(
        self,
        scenario_name: str = "baseline",
        support_scale: float = 1.0,
        guidance_fund_scale: float = 1.0,
        loan_to_value: float = Settings.loan_to_value,
        zone_share: float = Settings.zone_share,
        severity_scale: float = 1.0,
        restriction_start: str = AS_IN_SCENARIO,
        seed: int = 1,
        scale: float = DEFAULT_SCALE,
        record_history: bool = True,
    ) -> None:
        settings = Settings(
            scenario_name, float(support_scale), float(guidance_fund_scale),
            float(loan_to_value), float(zone_share), float(severity_scale),
            restriction_start, int(seed), float(scale),
        )  # fmt: skip
        super().__init__(settings_params(settings), seed=settings.seed)
        self.settings = self.initial_settings = settings
        self.record_history = record_history
        self.history: list[dict[str, np.ndarray]] = []
        self.news: list[tuple[str, str]] = []  # (quarter, what happened) in order
        self.changes: list[tuple[int, dict[str, Any]]] = []  # (quarter, settings moved)
        self.pending: dict[str, Any] = {}
        self.applied_restrictions: set[str] = set()
        self.twin: ClassroomEconomy | None = None
        self.twin_forked_at = ""
        self.sample_buyers = network_buyers(self)
        self.followed_firm_id = default_firm(self, self.sample_buyers)
        self.random_draws = 0  # how often the class asked for a random firm
        # The page's play loop steps in its own thread while the class moves sliders.
        self.lock = threading.RLock()
        self.page_observers: list = []  # called after each quarter and each change (the page)
        self.page_batch: Any = nullcontext  # the page's: its observers' messages sent as one

    def tell_page(self) -> None:
        """Tell the page's observers that something they show has changed (holding the
        lock: a click in the browser's thread never reads a quarter half-recorded)."""
        with self.lock, self.page_batch():
            for observer in list(self.page_observers):
                observer()

    def request_changes(self, **requested: Any) -> list[str]:
        """Move sliders: live ones act from the next quarter on; returns the controls
        (scenario, seed, scale) that only a reset applies."""
        _, waiting = live_settings(self.settings, requested)
        with self.lock:
            self.pending = self.pending | {k: v for k, v in requested.items() if k not in waiting}
        self.tell_page()
        return waiting

    def step(self) -> None:
        """Apply the sliders moved since the last quarter, simulate one quarter, then
        record its news and snapshot, and step the twin."""
        with self.lock:
            if self.pending:
                self._apply_changes(self.pending)
                self.pending = {}
            self._step_quarter()
        self.tell_page()

    def _step_quarter(self) -> None:
        quarter = self.quarter
        super().step()
        for event in self.policy.schedule.get(quarter, []):
            if isinstance(event, RestrictionEvent):
                self.applied_restrictions.add(event_key(event))
            self.news.append((quarter_label(quarter), event.note or type(event).__name__))
        if self.record_history:
            pop = self.population
            snapshot = {"firm_id": pop.firm_id.copy()}
            snapshot |= {
                name: getattr(pop, name).astype(kind) for name, kind in HISTORY_COLUMNS.items()
            }
            self.history.append(snapshot)
        if self.twin is not None and self.twin.running:
            self.twin.step()

    def _apply_changes(self, requested: dict[str, Any]) -> None:
        """New parameters from the settings, the agents' configuration re-derived, and
        the schedule from this quarter on re-planned."""
        settings, _ = live_settings(self.settings, requested)
        moved = self.settings.changed(settings)
        if not moved:
            return
        self.settings = settings
        self.params = settings_params(settings)
        self.reconfigure(self.params)
        self.changes.append((self.quarter, moved))
        for name, value in moved.items():
            self.news.append((self.label, f"{describe_change(name, value)} (slider)"))
        restriction_moves = [k for k in ("restriction_start", "severity_scale") if k in moved]
        if restriction_moves:
            self._replan_restrictions(
                describe_change(restriction_moves[0], moved[restriction_moves[0]])
            )
        if "zone_share" in moved:
            pop = self.population
            expansion = zone_entry(
                float(pop.zone[pop.alive].mean()), settings.zone_share, self.quarter
            )
            if expansion is not None:
                self.policy.schedule.setdefault(self.quarter, []).insert(0, expansion)

    def _replan_restrictions(self, why: str) -> None:
        """Restriction events from now on as the new settings time and scale them; when
        the sliders switch restrictions off, an easing lifts those in force."""
        schedule = self.policy.schedule
        for quarter in [q for q in schedule if q >= self.quarter]:
            kept = [e for e in schedule[quarter] if not isinstance(e, RestrictionEvent)]
            schedule[quarter] = kept
        in_force = list(self.policy.restrictions.by_name)
        switched_off = self.settings.restriction_start == NEVER or not self.settings.severity_scale
        if switched_off and in_force:
            schedule.setdefault(self.quarter, []).insert(0, lift_all(in_force, self.quarter, why))
            in_force = []
        future = sorted(
            (
                e
                for e in self.params.restrictions.events
                if event_key(e) not in self.applied_restrictions
            ),
            key=lambda e: e.quarter,
        )
        if switched_off:
            future = []  # at severity 0 a restriction lists nothing: not news
        for event in consistent_events(future, set(in_force), self.quarter):
            schedule.setdefault(parse_quarter(event.quarter), []).append(event)

    def fork_twin(self) -> ClassroomEconomy:
        """A second economy with the same seed and the settings of this moment: it
        replays this run's slider moves up to now, then keeps its settings."""
        with self.lock:
            twin = self._fork()
        self.tell_page()
        return twin

    def _fork(self) -> ClassroomEconomy:
        twin = ClassroomEconomy(**self.initial_settings.as_keywords(), record_history=False)
        log = dict(self.changes)
        while twin.quarter < self.quarter:
            if twin.quarter in log:
                twin.request_changes(**log[twin.quarter])
            twin.step()
        twin.request_changes(**self.pending)  # sliders moved since the last quarter
        self.twin, self.twin_forked_at = twin, (self.label if self.running else "the end")
        return twin

    def drop_twin(self) -> None:
        """Stop running the twin."""
        self.twin, self.twin_forked_at = None, ""
        self.tell_page()

    def follow_random_firm(self) -> int:
        """Point the firm card at a random supplier of the network sample; returns its id."""
        self.random_draws += 1
        self.followed_firm_id = random_firm(
            self, self.sample_buyers, self.random_draws, other_than=self.followed_firm_id
        )
        self.tell_page()
        return self.followed_firm_id


def consistent_events(
    events: list[RestrictionEvent], in_force: set[str], quarter: int
) -> list[RestrictionEvent]:
    """The events from `quarter` on that can still happen in order: an event that
    tightens or lifts a restriction no longer in force (lifted, or never applied) is
    dropped, as is everything before `quarter`."""
    available, kept = set(in_force), []
    for event in events:
        if parse_quarter(event.quarter) < quarter:
            continue
        if not set(event.tightens) | set(event.lifts) <= available:
            continue
        kept.append(event)
        available -= set(event.lifts)
        if event.kind == "restriction" and event.name:
            available.add(event.name)
    return kept
