"""Exploratory modelling with EMA Workbench: scenario discovery and robust search on sweeps."""
