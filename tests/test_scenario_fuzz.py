"""Hypothesis edits of scenario files: each gives a valid run or one clean ConfigError."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from command_line import refusal
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from model import load_scenario, simulate, with_changes
from model.errors import ConfigError


def _leaf_keys(table: dict[str, Any], prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    keys = []
    for key, value in table.items():
        if isinstance(value, dict):
            keys += _leaf_keys(value, (*prefix, key))
        else:
            keys.append((*prefix, key))
    return keys


LEAVES = _leaf_keys(load_scenario("baseline").model_dump(mode="json"))

toml_values = st.one_of(
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.text(max_size=12),
    st.lists(st.integers(min_value=-5, max_value=5), max_size=3),
    st.sampled_from(["2021Q3", "2019Q1", "2031Q4", "2021Q5"]),
)


def toml_literal(value: Any) -> str:
    """A TOML literal for a simple value (strings via JSON escaping, TOML-compatible)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(toml_literal(v) for v in value) + "]"
    if isinstance(value, str):
        return json.dumps(value)
    return str(value)


def scenario_text(path: tuple[str, ...], value: Any) -> str:
    """A child of baseline that sets one (possibly misspelt or new) key."""
    *tables, key = path
    lines = ['extends = "baseline"'] + ([] if path == ("name",) else ['name = "fuzzed"'])
    if tables:
        lines.append("[" + ".".join(tables) + "]")
    lines.append(f"{json.dumps(key)} = {toml_literal(value)}")
    return "\n".join(lines) + "\n"


edits = st.tuples(
    st.one_of(
        st.sampled_from(LEAVES),
        st.sampled_from(LEAVES).map(lambda p: (*p[:-1], p[-1] + "x")),  # a typo
    ),
    toml_values,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(edit=edits)
def test_an_edited_scenario_runs_or_fails_cleanly(tmp_path_factory, edit) -> None:
    path, value = edit
    file = tmp_path_factory.mktemp("fuzz") / "fuzzed.toml"
    file.write_text(scenario_text(path, value), encoding="utf-8")
    try:
        params = load_scenario(file)
    except ConfigError as error:
        assert str(file) in str(error)
        named = ".".join(path) in str(error) or "not valid TOML" in str(error)
        assert named, str(error)
        return
    short = with_changes(params, {"scale": 0.0005, "time.end": params.time.start})
    table = simulate(short, seed=3)
    assert np.isfinite(table["value"]).all()


PROBABILITY = "(allowed: 0 <= value <= 1 (probability))"


@pytest.mark.parametrize(
    ("path", "value", "says"),
    [
        (("finance", "bank", "approval"), -0.5, ["= -0.5: input should be greater", PROBABILITY]),
        (("finance", "bank", "approval"), 1.5, ["= 1.5: input should be less", PROBABILITY]),
        (("restrictions", "events"), "none", ["= 'none': input should be a valid tuple"]),
        (("time", "end"), "2021Q5", ["'2021Q5' is not a quarter; write it like 2021Q3"]),
        (("production", "margin"), 0.1, ["unknown key", "did you mean 'base_margin'?"]),
    ],
)
def test_cli_refuses_a_bad_edit_naming_file_key_and_what_is_wrong(
    tmp_path: Path, path, value, says
) -> None:
    file = tmp_path / "bad.toml"
    file.write_text(scenario_text(path, value), encoding="utf-8")
    out = tmp_path / "out"
    message = refusal("run", file, "--scale", "0.001", "--seeds", "1", "--out", out)
    assert message.startswith(f"{file}: ") and f"key '{'.'.join(path)}'" in message, message
    assert all(fragment in message for fragment in says), message
    assert not out.exists()
