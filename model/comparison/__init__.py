"""Scenario comparison with common random numbers, and its report."""
