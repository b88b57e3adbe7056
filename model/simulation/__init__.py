"""The simulation core: the economy, its agents, phases, rules and reporters.

Imports nothing from the tools (reports, sweeps, calibration, classroom, docs, cli)."""
