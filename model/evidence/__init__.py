"""Observed facts (package data), the targets they define, stylized-fact measures, and the
calibration's posterior sample."""
