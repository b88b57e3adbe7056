"""Check a speed rewrite against an earlier commit: the same output, and how much faster.

    .venv/bin/python experiments/rewrite_check.py REF            # e.g. HEAD~3 or main
    .venv/bin/python experiments/rewrite_check.py REF --full --timing 3

Issue 16 asks that a rewrite leave every shipped scenario's tidy output unchanged, and
that the profile be compared before and after. Both need the two versions side by side:

- **Same output.** Each shipped scenario (`scenarios/*.toml`) is run at `--scale`
  (default 0.05) with seeds 1 and 2, and its tidy table is hashed (pandas'
  `hash_pandas_object`, so one changed bit anywhere changes the hash); `--full` adds
  the 1:1 baseline. The working tree and REF (checked out with `git worktree` in a
  temporary directory, removed afterwards) each run in a fresh process with the same
  Python. The exit status is 1 when any hash differs.
- **How much faster.** `--timing N` runs the 1:1 baseline N times for each version,
  interleaved (this shared machine's speed drifts by +-10% from one hour to the next,
  so runs one after the other do not compare), each in a fresh process once its
  kernels are compiled, and prints each version's runs and the ratio of the medians.

REF's kernels compile on its first run (about 12 s). The working tree's uncommitted
changes count: it is the tree as it is on disk.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SEEDS = (1, 2)

# Runs in a fresh process with the version's own `model` package first on the path.
HASHES = """
import glob, hashlib, json, os, sys
import pandas as pd
from model import load_scenario, simulate
scale, full = float(sys.argv[1]), sys.argv[2] == "full"
def digest(table):
    values = pd.util.hash_pandas_object(table, index=True).to_numpy()
    return hashlib.sha256(values.tobytes()).hexdigest()[:16]
out = {}
for path in sorted(glob.glob("scenarios/*.toml")):
    name = os.path.basename(path)[: -len(".toml")]
    for seed in SEEDS:
        table = simulate(load_scenario(name, scale=scale), seed)
        out[f"{name} at {scale:g}, seed {seed}"] = digest(table)
if full:
    out["baseline at 1:1, seed 1"] = digest(simulate(load_scenario("baseline", scale=1.0), 1))
print(json.dumps(out))
"""

TIMING = """
import json, sys, time
from model import Economy, load_scenario
Economy(load_scenario("baseline", scale=0.002), seed=0).run()  # the kernels, loaded
economy = Economy(load_scenario("baseline", scale=1.0), seed=1)
started = time.perf_counter()
economy.run()
print(json.dumps(time.perf_counter() - started))
"""


def _in_version(tree: Path, code: str, *args: str) -> Any:
    """Run `code` in a fresh interpreter on `tree`'s package; its printed JSON."""
    env = os.environ | {"PYTHONPATH": str(tree)}
    done = subprocess.run(
        [sys.executable, "-c", f"SEEDS = {SEEDS!r}\n{code}", *args],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"{tree}: the run failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


@contextmanager
def checkout(ref: str) -> Iterator[Path]:
    """`ref` checked out in a temporary git worktree, removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="rewrite-check-") as tmp:
        tree = Path(tmp) / "tree"
        git = ["git", "-C", str(ROOT)]
        added = subprocess.run(
            [*git, "worktree", "add", "--detach", str(tree), ref],
            capture_output=True,
            text=True,
            check=False,
        )
        if added.returncode != 0:
            raise SystemExit(f"REF {ref!r}: git cannot check it out ({added.stderr.strip()})")
        try:
            yield tree
        finally:
            subprocess.run([*git, "worktree", "remove", "--force", str(tree)], check=False)


def compare_hashes(before: dict[str, str], after: dict[str, str]) -> list[str]:
    """The runs whose hashes differ (or that one version lacks), in the order given."""
    names = list(dict.fromkeys([*before, *after]))
    return [name for name in names if before.get(name) != after.get(name)]


def timing_table(before: list[float], after: list[float]) -> str:
    """Each version's run seconds, their medians and after/before."""
    ratio = statistics.median(after) / statistics.median(before)
    rows = ["| version | runs (s) | median (s) |", "| --- | --- | ---: |"]
    for label, times in (("REF", before), ("working tree", after)):
        runs = ", ".join(f"{t:.2f}" for t in times)
        rows.append(f"| {label} | {runs} | {statistics.median(times):.2f} |")
    return "\n".join([*rows, "", f"after / before: {ratio:.3f}"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("ref", help="the commit to compare with (anything git can check out)")
    parser.add_argument("--scale", type=float, default=0.05)
    parser.add_argument("--full", action="store_true", help="also hash the 1:1 baseline")
    parser.add_argument("--timing", type=int, default=0, metavar="N", help="1:1 runs of each")
    args = parser.parse_args()
    with checkout(args.ref) as tree:
        mode = "full" if args.full else "quick"
        before = _in_version(tree, HASHES, str(args.scale), mode)
        after = _in_version(ROOT, HASHES, str(args.scale), mode)
        differ = compare_hashes(before, after)
        for name in after:
            print(f"{'DIFFERS' if name in differ else 'same   '}  {name}")
        times: tuple[list[float], list[float]] = ([], [])
        for _ in range(args.timing):
            times[0].append(float(_in_version(tree, TIMING)))
            times[1].append(float(_in_version(ROOT, TIMING)))
    if args.timing:
        print("\n" + timing_table(*times))
    if differ:
        print(f"\n{len(differ)} of {len(after)} runs differ from {args.ref}")
        raise SystemExit(1)
    print(f"\nevery run's output is the same as {args.ref}'s, to the last bit")


if __name__ == "__main__":
    main()
