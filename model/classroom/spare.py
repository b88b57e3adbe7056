"""One default classroom economy built ahead, so a new page does not wait for it.

Building the default economy is the largest item of a page's first render on the
server (25-75 ms here, more with other pages open). A page takes the spare if there
is one; the spare is built again once that page has drawn its first screen (so the
build does not compete with it for the interpreter), and first by the warm-up. The
default economy depends only on its settings and seed, so a spare is the same run a
page would have built itself.
"""

from __future__ import annotations

import threading

from model.classroom.session import ClassroomEconomy

_lock = threading.Lock()
_spare: list[ClassroomEconomy] = []  # at most one
_building = threading.Event()  # a builder is at work: pages drawn together start one


def take() -> ClassroomEconomy:
    """The spare default economy, or a new one if there is none (each is given once)."""
    with _lock:
        if _spare:
            return _spare.pop()
    return ClassroomEconomy()


def refill() -> None:
    """Build a spare in the background, unless one is waiting or being built."""
    with _lock:
        if _spare or _building.is_set():
            return
        _building.set()
    threading.Thread(target=_build, name="spare-economy", daemon=True).start()


def _build() -> None:
    try:
        economy = ClassroomEconomy()
        with _lock:
            _spare.append(economy)
    finally:
        _building.clear()
