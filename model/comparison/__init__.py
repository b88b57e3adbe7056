"""Scenario comparison with common random numbers, over posterior draws and parameter values."""
