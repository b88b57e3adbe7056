"""Checking a scenario against every observed fact and the stylized facts."""
