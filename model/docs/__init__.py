"""The generator of docs/odd.md, scenarios.md, validation.md and the README's layout."""
