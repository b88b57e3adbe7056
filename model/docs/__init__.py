"""The generator of docs/odd.md, docs/scenarios.md and docs/validation.md."""
