"""Scenario comparison with common random numbers, over posterior draws too, and its report."""
