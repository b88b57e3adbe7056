"""What each entry of `Economy.step` reads and writes, and which parameters it uses.

Found by reading source, not by running the model: the statements of
`Economy.step` in order, and for each the functions it reaches, followed through
calls, methods, properties and simple aliases (`pop = model.population`,
`inn = params.innovation`, `for firms in pop.blocks()`). The result feeds the
flow figure, the schedule list and the per-phase parameter lists of docs/odd.md,
so none of them can drift from the code.
"""

from __future__ import annotations

import ast
import inspect
import textwrap
from dataclasses import dataclass, field

from model.docs.frame import FunctionReader
from model.docs.reader import Effects, Reader
from model.simulation.economy import Economy

# State every entry touches, that only serves the recording machinery, or that is
# the containers' own housekeeping: none of it says anything about the economy.
NOT_STATE = frozenset(
    {
        "model.quarter",
        "model.datacollector",
        "model.report_cache",
        "model.quarter_labels",
        "population.n",
        "links.n_buyers",
    }
)
ROWS = "population.rows"  # firms added (entry) or dropped (compaction): every column
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


def _comments(lines: list[str]) -> dict[int, str]:
    """Trailing comment of each source line (1-based)."""
    found = {}
    for number, line in enumerate(lines, start=1):
        code, hash_, comment = line.partition("  # ")
        if hash_ and code.strip():
            found[number] = comment.strip()
    return found


def step_entries() -> list[StepEntry]:
    """The calls of `Economy.step` in order, each with what it reads, writes and uses."""
    source = textwrap.dedent(inspect.getsource(Economy.step))
    tree = ast.parse(source).body[0]
    comments = _comments(source.splitlines())
    reader = Reader()
    entries = []
    for statement, condition in _call_statements(tree.body):
        frame = FunctionReader(reader, Economy.step, {"self": frozenset({("model",)})})
        frame.value(statement.value)
        target = _callee(reader, statement.value)
        entries.append(
            StepEntry(
                call=ast.unparse(statement.value).replace("self.", ""),
                comment=comments.get(statement.lineno, ""),
                condition=condition.replace("self.", ""),
                module=getattr(target, "__module__", ""),
                function=getattr(target, "__qualname__", ""),
                effects=frame.effects,
            )
        )
    return entries


def _call_statements(body: list[ast.stmt], condition: str = "") -> list[tuple[ast.Expr, str]]:
    """Expression statements that are calls, with the `if` test they sit under."""
    found = []
    for statement in body:
        if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call):
            found.append((statement, condition))
        elif isinstance(statement, ast.If):
            test = ast.unparse(statement.test)
            found += _call_statements(statement.body, test)
    return found


def _callee(reader: Reader, call: ast.Call) -> object:
    """The function object a step call reaches (for its module and name)."""
    frame = FunctionReader(reader, Economy.step, {"self": frozenset({("model",)})})
    for symbol in frame.value(call.func):
        if symbol[0] == "func":
            return symbol[1]
        if symbol[0] == "method":
            return symbol[2]
    return None


def initialization_effects() -> Effects:
    """What `Economy.__init__` (the 2019Q1 state) reads, writes and uses."""
    reader = Reader()
    return reader.invoke(Economy.__init__, ("model",), [], {})


def state_of(effects: Effects) -> tuple[set[str], set[str]]:
    """(reads, writes) without the clock, the recording machinery and bookkeeping."""

    def keep(name: str) -> bool:
        private = name.rpartition(".")[2].startswith("_")
        return not private and name not in NOT_STATE and not name.startswith(BOOKKEEPING_OWNERS)

    return {n for n in effects.reads if keep(n)}, {n for n in effects.writes if keep(n)}


@dataclass(frozen=True)
class FlowRow:
    """One phase of the figure: what it reads and writes."""

    label: str
    comment: str
    reads: tuple[str, ...]
    writes: tuple[str, ...]


def flow_rows(entries: list[StepEntry] | None = None) -> tuple[list[FlowRow], list[str]]:
    """The figure's rows (entries that touch economic state) and its columns (population
    columns in their order, then other state alphabetically).

    Besides the population's columns, only state that one entry writes and some
    entry reads is shown: counters and payment totals kept for the reporters, and
    constants set up at the start (large firms' fields, budgets), carry nothing
    from one phase to the next.
    """
    from model.simulation.population import COLUMNS

    entries = step_entries() if entries is None else entries
    touched = [(entry, *state_of(entry.effects)) for entry in entries]
    read_anywhere = set().union(*(reads for _, reads, _ in touched))
    written_anywhere = set().union(*(writes for _, _, writes in touched))
    carried = (read_anywhere & written_anywhere) | set(COLUMNS) | {ROWS}
    rows = []
    for entry, reads, writes in touched:
        reads, writes = reads & carried, writes & carried
        if reads or writes:
            label = entry.call if not entry.condition else f"{entry.call} [{entry.condition}]"
            rows.append(FlowRow(label, entry.comment, tuple(sorted(reads)), tuple(sorted(writes))))
    used = {name for row in rows for name in (*row.reads, *row.writes)}
    columns = [c for c in (ROWS, *COLUMNS) if c in used] + sorted(used - {ROWS, *COLUMNS})
    return rows, columns
