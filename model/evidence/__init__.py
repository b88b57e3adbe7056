"""Observed facts (package data), the targets they define, and stylized-fact measures."""
