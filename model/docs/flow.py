"""What each entry of `Economy.step` reads and writes, and which parameters it uses.

The entries are the calls of `Economy.step` in source order (with the comment on
their line and the `if` they sit under); what each touches is recorded from a
traced run of a small baseline economy (`model.docs.trace`). The result feeds the
flow figure, the schedule list and the per-phase parameter lists of docs/odd.md,
so none of them can drift from the code.
"""

from __future__ import annotations

import ast
import inspect
import textwrap
from dataclasses import dataclass, field

from model.docs.recording import Effects
from model.docs.trace import ROWS, Trace, trace_run
from model.simulation.economy import Economy
from model.simulation.population import COLUMNS

__all__ = ["ROWS", "FlowRow", "StepEntry", "flow_rows", "state_of", "step_entries"]

# The clock, the recording machinery and the containers' own sizes: state that says
# nothing about the economy.
NOT_STATE = frozenset(
    {
        "model.quarter",
        "model.report_cache",
        "model.quarter_labels",
        "population.n",
        "links.n_buyers",
    }
)
# Bookkeeping objects whose state is read by the reporters only.
BOOKKEEPING_OWNERS = ("ledger.",)


@dataclass(frozen=True)
class StepEntry:
    """One call of `Economy.step`, in order."""

    call: str  # the call as written, without `self.`
    comment: str  # the comment on its line
    condition: str  # the `if` it runs under, "" if always
    module: str  # module of the called function
    function: str  # qualified name of the called function
    effects: Effects = field(compare=False)

    @property
    def name(self) -> str:
        """Short name: the phase module (`demand`) or the call's target (`close_year`)."""
        if self.module.startswith("model.simulation.phases."):
            return self.module.rsplit(".", 1)[1]
        if self.module == "model.simulation.policy":
            return "policy"
        return self.call.split("(", 1)[0]


def step_entries(trace: Trace | None = None) -> list[StepEntry]:
    """The calls of `Economy.step` in order, each with what it reads, writes and uses."""
    trace = trace_run() if trace is None else trace
    lines, first = inspect.getsourcelines(Economy.step)
    tree = ast.parse(textwrap.dedent("".join(lines))).body[0]
    assert isinstance(tree, ast.FunctionDef)
    entries = []
    for statement, condition in _call_statements(tree.body):
        effects = Effects()
        for line in range(statement.lineno, (statement.end_lineno or statement.lineno) + 1):
            effects.merge(trace.lines.get(first + line - 1, Effects()))
        target = _callee(statement.value, trace.economy)
        comment = lines[statement.lineno - 1].partition("  # ")[2]
        entries.append(
            StepEntry(
                call=ast.unparse(statement).replace("self.", ""),
                comment=comment.strip(),
                condition=condition.replace("self.", ""),
                module=getattr(target, "__module__", None) or "",
                function=getattr(target, "__qualname__", ""),
                effects=effects,
            )
        )
    return entries


def _call_statements(
    body: list[ast.stmt], condition: str = ""
) -> list[tuple[ast.Expr | ast.Assign, str]]:
    """Statements that are calls, or assign a call's result (`sales = phase(self)`),
    with the `if` test they sit under."""
    found = []
    for statement in body:
        if isinstance(statement, ast.Expr | ast.Assign) and isinstance(statement.value, ast.Call):
            found.append((statement, condition))
        elif isinstance(statement, ast.If):
            found += _call_statements(statement.body, ast.unparse(statement.test))
    return found


def _callee(call: ast.Call, economy: Economy) -> object:
    """The function a step call reaches (for its module and name)."""
    expression = compile(ast.Expression(call.func), "<Economy.step>", "eval")
    function = eval(expression, Economy.step.__globals__, {"self": economy})
    return getattr(function, "__func__", function)


def initialization_effects() -> Effects:
    """What building the economy (the 2019Q1 state) uses: its parameters."""
    return trace_run().initialization


def state_of(effects: Effects) -> tuple[set[str], set[str]]:
    """(reads, writes) without the clock, the recording machinery and bookkeeping."""

    def keep(name: str) -> bool:
        return name not in NOT_STATE and not name.startswith(BOOKKEEPING_OWNERS)

    return {n for n in effects.reads if keep(n)}, {n for n in effects.writes if keep(n)}


@dataclass(frozen=True)
class FlowRow:
    """One phase of the figure: what it reads and writes."""

    label: str
    comment: str
    reads: tuple[str, ...]
    writes: tuple[str, ...]


def flow_rows(entries: list[StepEntry] | None = None) -> tuple[list[FlowRow], list[str]]:
    """The figure's rows (entries that change economic state) and its columns
    (population columns in their order, then other state alphabetically).

    Entries that change nothing (the reporters) are not phases. Besides the
    population's columns, only state that one phase writes and some phase reads
    is shown: payment totals kept for the reporters, and constants set up at the
    start (large firms' fields, budgets), carry nothing from one phase to the next.
    """
    entries = step_entries() if entries is None else entries
    touched = [(entry, *state_of(entry.effects)) for entry in entries]
    phases = [(entry, reads, writes) for entry, reads, writes in touched if writes]
    read_anywhere = set().union(*(reads for _, reads, _ in phases))
    written_anywhere = set().union(*(writes for _, _, writes in phases))
    carried = (read_anywhere & written_anywhere) | set(COLUMNS) | {ROWS}
    rows = []
    for entry, reads, writes in phases:
        reads, writes = reads & carried, writes & carried
        if reads or writes:
            label = entry.call if not entry.condition else f"{entry.call} [{entry.condition}]"
            rows.append(FlowRow(label, entry.comment, tuple(sorted(reads)), tuple(sorted(writes))))
    used = {name for row in rows for name in (*row.reads, *row.writes)}
    columns = [c for c in (ROWS, *COLUMNS) if c in used] + sorted(used - {ROWS, *COLUMNS})
    return rows, columns
