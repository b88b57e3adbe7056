"""Chosen policies as scenario files: `extends` the study's base scenario, sets its levers.

A policy file holds the study's fixed `[changes]` and the lever values the search
found, written as TOML tables (tuple items by number, as `extends` merges them), so
`littlegiants run` and `littlegiants compare` take it like any shipped scenario.
Each file is loaded back before it is kept: a file that does not validate is a bug.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from model.errors import ConfigError
from model.exploration.study import Study
from model.exploration.variables import point_changes
from model.io import write_text
from model.params.loading import load_scenario, nest, resolve_scenario


def policy_changes(study: Study, levers: Mapping[str, Any]) -> dict[str, Any]:
    """The fixed changes and the levers' parameter changes of one policy."""
    return dict(study.spec.changes) | point_changes(study.base, study.levers, levers)


def parent_reference(study: Study) -> str:
    """How the policy file names its parent: a scenario name, or the file's absolute path."""
    name = study.spec.scenario
    if name.endswith(".toml"):
        return str(resolve_scenario(name, base_dir=study.source.parent))
    return name


def toml_value(value: Any) -> str:
    """A scalar (or list of scalars) as TOML."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return json.dumps(str(value), ensure_ascii=False)


def toml_tables(table: Mapping[str, Any], prefix: str = "") -> list[str]:
    """Nested tables as `[a.b]` sections of `key = value` lines, scalars before sub-tables."""
    lines, scalars = [], {k: v for k, v in table.items() if not isinstance(v, Mapping)}
    if scalars and prefix:
        lines.append(f"\n[{prefix}]")
    lines += [f"{key} = {toml_value(value)}" for key, value in scalars.items()]
    for key, value in table.items():
        if isinstance(value, Mapping):
            lines += toml_tables(value, f"{prefix}.{key}" if prefix else key)
    return lines


def policy_text(study: Study, name: str, description: str, levers: Mapping[str, Any]) -> str:
    """The scenario file of one policy."""
    header = [
        f"# Written by `littlegiants optimise {study.source}`; run it with",
        f"# `littlegiants compare {study.spec.scenario} <this file>`.",
        f"extends = {toml_value(parent_reference(study))}",
        f"name = {toml_value(name)}",
        f'description = """{description}"""',
    ]
    return "\n".join(header + toml_tables(nest(policy_changes(study, levers)))) + "\n"


def write_policy(
    study: Study, path: Path, name: str, description: str, levers: Mapping[str, Any]
) -> Path:
    """Write one policy file atomically and check that it loads as a scenario."""
    write_text(path, policy_text(study, name, description, levers))
    try:
        load_scenario(path)
    except ConfigError:
        path.unlink(missing_ok=True)  # never leave a policy file that does not run
        raise
    return path
