"""Time spent inside the compiled kernels, and how much of it in the ones that draw.

Used by `profile_phases.py --kernels`. Every numba kernel that a module of the model
holds as a global (`@kernel` in `model/simulation/compiled.py`) is replaced, for one
run, by a wrapper that adds up its wall time and calls; kernels called from inside
other kernels run compiled and are counted in their caller. A kernel *draws* when it
takes the model's generator (a parameter named `rng`): its draws come from the one
stream in row order, so it cannot be split across cores without changing every draw.

The split answers a question the phase table cannot: how fast could a run be if the
drawing kernels were made free (keyed draws on two cores), with everything else as
it is? The rest is kernels that draw nothing (at or near memory speed, measured
earlier: one core saturates the bus) and numpy passes and Python between them.
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from numba.core.registry import CPUDispatcher


def _holders() -> list[tuple[Any, str, CPUDispatcher]]:
    """(module, name, kernel) for every kernel a loaded module of the model holds."""
    found = []
    for name, module in list(sys.modules.items()):
        if name == "model" or name.startswith("model."):
            for attr, value in list(vars(module).items()):
                if isinstance(value, CPUDispatcher):
                    found.append((module, attr, value))
    return found


def label(kernel: CPUDispatcher) -> str:
    """`module.function` of the kernel's Python source, e.g. `credit.lend_all`."""
    return f"{kernel.py_func.__module__.rsplit('.', 1)[-1]}.{kernel.py_func.__name__}"


def draws(kernel: CPUDispatcher) -> bool:
    """Whether the kernel takes the model's generator."""
    code = kernel.py_func.__code__
    return "rng" in code.co_varnames[: code.co_argcount]


@contextmanager
def timed_kernels(seconds: Counter[str], calls: Counter[str]) -> Iterator[None]:
    """Inside the block every kernel adds its wall time to `seconds[label]` and one to
    `calls[label]`; the kernels are put back after."""
    holders = _holders()

    def timer(kernel: CPUDispatcher) -> Any:
        name = label(kernel)

        def timed(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return kernel(*args, **kwargs)
            finally:
                seconds[name] += time.perf_counter() - start
                calls[name] += 1

        return timed

    try:
        for module, attr, kernel in holders:
            setattr(module, attr, timer(kernel))
        yield
    finally:
        for module, attr, kernel in holders:
            setattr(module, attr, kernel)


def drawing_labels() -> set[str]:
    """Labels of the loaded kernels that draw."""
    return {label(kernel) for _, _, kernel in _holders() if draws(kernel)}


def markdown(seconds: Counter[str], calls: Counter[str], run: float, top: int = 15) -> str:
    """The largest kernels, and the run split into drawing kernels, other kernels and
    the rest, with what the run would take if the drawing kernels cost nothing."""
    drawing = drawing_labels()
    lines = ["| kernel | seconds | calls | draws |", "| --- | ---: | ---: | --- |"]
    for name, value in seconds.most_common(top):
        lines.append(
            f"| {name} | {value:.3f} | {calls[name]} | {'yes' if name in drawing else ''} |"
        )
    drawn = sum(v for k, v in seconds.items() if k in drawing)
    other = sum(seconds.values()) - drawn
    rest = run - drawn - other
    lines += [
        "",
        f"Run {run:.2f} s: kernels that draw {drawn:.2f} s ({drawn / run:.0%}), other kernels "
        f"{other:.2f} s ({other / run:.0%}), numpy and Python between them {rest:.2f} s "
        f"({rest / run:.0%}). With every drawing kernel at no cost the run would take "
        f"{run - drawn:.2f} s.",
    ]
    return "\n".join(lines)
