"""Early rejection: a particle's runs stop at the first target quarter by which their
misses already put it beyond the generation's epsilon.

The distance (`problem.distance`) is a weighted 2-norm of the targets' misses. A target
whose quarter the runs have not reached yet counts as met (a miss of 0), so the
distance over the targets reached so far never exceeds the distance of the finished
runs: a particle stopped because it is already beyond epsilon would have been rejected
at the end too. Accepted particles therefore run to the end and are the same to the last
bit, and so are the generations, the posterior and everything computed from them; only
the rejected particles' statistics (kept nowhere but in the sample pyabc discards)
are those of the quarter they stopped at. The calibration sample of the prior runs to
the end, as its distances set the first epsilon and the distance's scales.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import pyabc
from pyabc.model import ModelResult

from model.calendar import parse_quarter
from model.calibration.problem import Simulator
from model.simulation.economy import Economy
from model.simulation.runner import tidy


class EarlyRejecting(pyabc.Model):
    """The simulator as a pyabc model that stops a particle's runs once it is rejected."""

    def __init__(self, simulator: Simulator) -> None:
        super().__init__(name="littlegiants")
        self.simulator = simulator
        self.checkpoints = sorted({parse_quarter(t.quarter) for t in simulator.targets})

    def sample(self, pars: Mapping[str, float]) -> dict[str, float]:
        """The finished runs' misses (the prior's calibration sample asks for these)."""
        return self.simulator(pars)

    def accept(
        self,
        t: int,
        pars: Mapping[str, float],
        sum_stat_calculator: Callable,
        distance_calculator: pyabc.Distance,
        eps_calculator: pyabc.Epsilon,
        acceptor: pyabc.Acceptor,
        x_0: dict,
    ) -> ModelResult:
        """Run the particle's seeds together, checkpoint by checkpoint; reject as soon as
        the misses so far are beyond epsilon, else judge the finished runs as pyabc does."""
        params = self.simulator.params_for(pars)
        runs = [Economy(params, seed=seed) for seed in self.simulator.seeds]
        eps = eps_calculator(t)
        for quarter in self.checkpoints[:-1]:
            for run in runs:
                while run.running and run.quarter <= quarter:
                    run.step()
            so_far = self.simulator.misses([tidy(run) for run in runs], by=quarter)
            distance = distance_calculator(so_far, x_0, t, pars)
            if distance > eps:
                return ModelResult(sum_stat=so_far, distance=distance, accepted=False)
        for run in runs:
            run.run()
        statistics = sum_stat_calculator(self.simulator.misses([tidy(run) for run in runs]))
        judged = acceptor(
            distance_function=distance_calculator,
            eps=eps_calculator,
            x=statistics,
            x_0=x_0,
            t=t,
            par=pars,
        )
        return ModelResult(
            sum_stat=statistics,
            distance=judged.distance,
            accepted=judged.accept,
            weight=judged.weight,
        )
