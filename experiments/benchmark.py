"""Speed and memory benchmark of littlegiants (results go into the README and issue notes).

    .venv/bin/python experiments/benchmark.py            # every section
    .venv/bin/python experiments/benchmark.py --only core

Section `core`: one 1:1-scale baseline run (2019Q1-2025Q4) in a fresh process,
wall-clock seconds (build and run separately) and peak resident memory.
Goal (issue 2): <= 10 s and <= 2 GiB on a 2-core machine.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import resource
import time


def _core_run(scale: float, seed: int, queue: mp.Queue) -> None:
    from model import Economy, load_scenario

    params = load_scenario("baseline", scale=scale)
    started = time.perf_counter()
    economy = Economy(params, seed=seed)
    built = time.perf_counter()
    economy.run()
    finished = time.perf_counter()
    queue.put(
        {
            "firms_at_end": len(economy.population),
            "quarters": len(economy.quarter_labels),
            "build_seconds": round(built - started, 2),
            "run_seconds": round(finished - built, 2),
            "total_seconds": round(finished - started, 2),
            "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        }
    )


def core(scale: float = 1.0, seed: int = 1, repeats: int = 3) -> dict:
    """Time a full baseline run in fresh processes; report the best and all totals."""
    context = mp.get_context("spawn")
    results = []
    for _ in range(repeats):
        queue = context.Queue()
        process = context.Process(target=_core_run, args=(scale, seed, queue))
        process.start()
        results.append(queue.get())
        process.join()
    best = min(results, key=lambda r: r["total_seconds"])
    best["all_totals"] = [r["total_seconds"] for r in results]
    best["scale"] = scale
    return best


SECTIONS = {"core": core}


def main() -> None:
    """Run the chosen sections and print one JSON document."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=sorted(SECTIONS), action="append")
    args = parser.parse_args()
    report = {name: SECTIONS[name]() for name in (args.only or SECTIONS)}
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
