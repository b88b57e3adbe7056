"""Time spent inside the compiled kernels, and how much of it in the ones that draw.

    python experiments/profile_phases.py --kernels

Every numba kernel that a module of the model holds as a global (`@kernel` in
`model/simulation/compiled.py`) is replaced, for one run, by a wrapper that adds up its
wall time and calls. Left alone, and counted in their callers: the one-firm rules
(`@rule`, inlined), and any kernel that a kernel of the same module calls by name
(numba looks a kernel's globals up when it compiles it, so a wrapper there would break
the compilation). A kernel *draws* when it takes the model's generator (a parameter
named `rng`): its draws come from the one stream in row order, so it cannot be split
across cores without changing every draw.

The split answers a question the phase table cannot: how long would a run take if the
drawing kernels cost nothing, with everything else as it is? The rest is kernels that
draw nothing (at or near memory speed, measured earlier: one core saturates the bus),
and numpy passes and Python between them (which also hold some draws, made by numpy).
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import CodeType, ModuleType
from typing import Any

from numba.core.registry import CPUDispatcher


def _names_used(code: CodeType) -> set[str]:
    """The global names a function's code (and any code nested in it) looks up."""
    names = set(code.co_names)
    for constant in code.co_consts:
        if isinstance(constant, CodeType):
            names |= _names_used(constant)
    return names


def _holders() -> list[tuple[ModuleType, str, CPUDispatcher]]:
    """(module, name, kernel) for every kernel a loaded module of the model holds and
    that can be wrapped: not a one-firm rule, and not called by a kernel whose globals
    are that module's."""
    held = [
        (module, attr, value)
        for name, module in list(sys.modules.items())
        if name == "model" or name.startswith("model.")
        for attr, value in list(vars(module).items())
        if isinstance(value, CPUDispatcher)
    ]
    called: dict[int, set[str]] = {}
    for _, _, kernel in held:
        names = called.setdefault(id(kernel.py_func.__globals__), set())
        names |= _names_used(kernel.py_func.__code__)
    return [
        (module, attr, kernel)
        for module, attr, kernel in held
        if attr not in called.get(id(vars(module)), set())
        and kernel.targetoptions.get("inline") != "always"
    ]


def label(kernel: CPUDispatcher) -> str:
    """`module.function` of the kernel's Python source, e.g. `credit.lend_all` (the last
    part of the module's name: the model has no two modules named alike)."""
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

    def timer(kernel: CPUDispatcher) -> Callable[..., Any]:
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
