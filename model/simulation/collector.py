"""The quarter's record of model-level reporters: Mesa's DataCollector, without copies.

Mesa deep-copies every reporter's value as it records it, in case a reporter returns
something that changes later (a list, an array). Every reporter here returns a new
float, which cannot change, so the copy is left out: with about 140 reporters a
quarter, the copies and checks were a tenth of a run at 10^4 firms.
"""

from __future__ import annotations

import mesa


class Collector(mesa.DataCollector):
    """Mesa's DataCollector for model-level reporters that return floats."""

    def collect(self, model: mesa.Model) -> None:
        """Record each reporter's value for this quarter (Mesa's own way if there are
        agent-level reporters, which this model does not use)."""
        if self.agent_reporters or self.agenttype_reporters:
            super().collect(model)
            return
        self._collection_steps.append(model.time)
        for name, reporter in self.model_reporters.items():
            self.model_vars[name].append(reporter(model))
