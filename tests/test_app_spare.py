"""The default economy built ahead for the next page: given once, and the same run a
page would have built itself."""

from __future__ import annotations

import threading

from model.classroom import spare
from model.classroom.session import ClassroomEconomy

QUARTERS = 3


def _counts(economy: ClassroomEconomy) -> list[float]:
    for _ in range(QUARTERS):
        economy.step()
    return list(economy.datacollector.model_vars["national_little_giants"])


def test_a_spare_is_given_once_and_is_the_run_a_page_would_build() -> None:
    while spare._spare:  # another test's page may have left one
        spare.take()
    spare.refill()
    builders = [t for t in threading.enumerate() if t.name == "spare-economy"]
    for builder in builders:
        builder.join(timeout=60)
    assert len(spare._spare) == 1
    first = spare.take()
    assert spare._spare == []
    second = spare.take()  # none waiting: built on the spot
    assert first is not second
    assert _counts(first) == _counts(second) == _counts(ClassroomEconomy())
