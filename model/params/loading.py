"""Scenario TOML files -> validated `Params`, with `extends` and clear errors."""

from __future__ import annotations

import difflib
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from model.errors import ConfigError
from model.params import Params
from model.params.provinces import rescale_pool_shares

PROJECT_SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


def scenario_dirs() -> list[Path]:
    """Folders searched for scenario names: ./scenarios, then the project's own."""
    dirs = [Path.cwd() / "scenarios", PROJECT_SCENARIOS]
    return [d for i, d in enumerate(dirs) if d.is_dir() and d not in dirs[:i]]


# Scenario files that hold estimated parameters rather than a policy question.
PARAMETER_FILES = frozenset({"calibrated"})


def question_scenarios(folders: list[Path] | None = None) -> list[str]:
    """Names of the scenarios that ask a question (not parameter files), baseline first."""
    folders = scenario_dirs() if folders is None else folders
    names = sorted({p.stem for d in folders for p in d.glob("*.toml")} - PARAMETER_FILES)
    return sorted(names, key=lambda name: name != "baseline")


def resolve_scenario(name_or_path: str | Path, base_dir: Path | None = None) -> Path:
    """The file a scenario name or path refers to; ConfigError if there is none."""
    text = str(name_or_path)
    is_file_name = text.endswith(".toml")
    candidates = [Path(text)] if is_file_name else []
    if base_dir is not None:
        candidates.append(base_dir / (text if is_file_name else f"{text}.toml"))
    if not is_file_name:
        candidates += [d / f"{text}.toml" for d in scenario_dirs()]
    for path in candidates:
        if path.is_file():
            return path.resolve()
        if path.exists():
            raise ConfigError(f"{path}: is a folder, not a scenario file (cannot be read)")
    known = sorted(p.stem for d in scenario_dirs() for p in d.glob("*.toml"))
    raise ConfigError(
        f"scenario '{text}' not found (looked for {', '.join(map(str, candidates))}); "
        f"known scenarios: {', '.join(known) or 'none'}"
    )


def read_toml(path: Path) -> dict[str, Any]:
    """Parse one TOML file, turning I/O and syntax problems into ConfigError."""
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError as exc:
        raise ConfigError(f"{path}: file not found") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot be read ({exc})") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from exc


def deep_merge(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """Tables merge key by key; any other value (numbers, arrays) replaces the base.

    A table whose keys are all item numbers merges into an array item by item, so a
    dotted change like `certification.campaigns.1.boost` edits one event.
    """
    merged = dict(base)
    for key, value in override.items():
        current = merged.get(key)
        if isinstance(value, Mapping) and isinstance(current, Mapping):
            merged[key] = deep_merge(current, value)
        elif (
            isinstance(value, Mapping)
            and isinstance(current, list | tuple)
            and value
            and all(str(k).isdigit() for k in value)
        ):
            merged[key] = _merge_items(list(current), value, key)
        else:
            merged[key] = value
    return merged


def _merge_items(items: list[Any], changes: Mapping[str, Any], key: str) -> list[Any]:
    for index, change in changes.items():
        position = int(index)
        if position >= len(items):
            raise ConfigError(f"'{key}.{index}': there are only {len(items)} items")
        both_tables = isinstance(change, Mapping) and isinstance(items[position], Mapping)
        items[position] = deep_merge(items[position], change) if both_tables else change
    return items


def resolved_table(path: Path, chain: tuple[Path, ...] = ()) -> dict[str, Any]:
    """The scenario's table with all `extends` parents merged in (parents first)."""
    if path in chain:
        cycle = " -> ".join(p.name for p in (*chain, path))
        raise ConfigError(f"{chain[-1]}: key 'extends' makes a cycle: {cycle}")
    table = read_toml(path)
    # Each file is named after itself unless it says otherwise (not after its parent).
    table.setdefault("name", path.stem)
    parent = table.pop("extends", None)
    if parent is None:
        return table
    if not isinstance(parent, str):
        raise ConfigError(f"{path}: key 'extends' must be a scenario name, got {parent!r}")
    try:
        parent_path = resolve_scenario(parent, base_dir=path.parent)
    except ConfigError as exc:
        raise ConfigError(f"{path}: key 'extends' = '{parent}': {exc}") from exc
    return deep_merge(resolved_table(parent_path, (*chain, path)), table)


def load_scenario(name_or_path: str | Path, **overrides: Any) -> Params:
    """Validated parameters of a scenario file or shipped scenario name.

    Keyword overrides use double underscores for nesting, e.g. `scale=0.01` or
    `finance__bank__approval=0.4`.
    """
    path = resolve_scenario(name_or_path)
    table = resolved_table(path)
    changes = {key.replace("__", "."): value for key, value in overrides.items()}
    return validate_table(deep_merge(table, nest(changes)), source=str(path))


def nest(dotted: Mapping[str, Any]) -> dict[str, Any]:
    """{'a.b': 1} -> {'a': {'b': 1}}."""
    nested: dict[str, Any] = {}
    for key, value in dotted.items():
        *parents, leaf = key.split(".")
        node = nested
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = value
    return nested


def read_dotted(params: BaseModel, key: str) -> Any:
    """The value of a dotted key (`matching.national_signal`, `restrictions.events.1.severity`)
    in a parameter object; AttributeError or IndexError where there is none."""
    value: Any = params
    for part in key.split("."):
        if isinstance(value, tuple | list):
            value = value[int(part)]
        elif isinstance(value, Mapping):
            if part not in value:
                raise AttributeError(f"no key '{part}' in {key}")
            value = value[part]
        else:
            value = getattr(value, part)
    return value


def with_changes(params: Params, changes: Mapping[str, Any], source: str = "") -> Params:
    """A copy of `params` with dotted-key changes, validated like a scenario file. A
    change to some provinces' `pool_share` rescales the others' (`rescale_pool_shares`)."""
    source = source or f"changes to '{params.name}'"
    nested, dumped = nest(changes), params.model_dump()
    table = deep_merge(dumped, nested)  # a new table: `dumped` keeps the values before
    if "provinces" in (nested.get("population") or {}):
        before = dumped["population"]["provinces"]
        try:
            table["population"]["provinces"] = rescale_pool_shares(
                before, table["population"]["provinces"]
            )
        except ValueError as exc:
            raise ConfigError(f"{source}: key 'population.provinces': {exc}") from None
    return validate_table(table, source=source)


def validate_table(table: Mapping[str, Any], source: str) -> Params:
    """Params from a plain table; every problem is named with its key and allowed values."""
    try:
        return Params.model_validate(table)
    except ValidationError as exc:
        problems = [describe_error(err) for err in exc.errors()]
        raise ConfigError(f"{source}: " + "; ".join(problems)) from None


def describe_error(err: Mapping[str, Any]) -> str:
    """One readable sentence for one pydantic error."""
    loc = [str(part) for part in err["loc"]]
    key = ".".join(loc) or "(scenario)"
    kind = err["type"]
    if kind == "extra_forbidden":
        allowed = allowed_keys(loc[:-1])
        hint = difflib.get_close_matches(loc[-1], allowed, n=1)
        suggestion = f"; did you mean '{hint[0]}'?" if hint else ""
        return f"unknown key '{key}'{suggestion} (allowed here: {', '.join(allowed)})"
    if kind == "value_error":  # a rule across keys: its own message says what and why
        return f"key '{key}': {err['msg'].removeprefix('Value error, ')}"
    value = err.get("input")
    info = field_info(loc)
    limits = allowed_range(info) if info else _limits_from(err.get("ctx", {}))
    message = err["msg"][0].lower() + err["msg"][1:]
    shown = "" if kind == "missing" else f" = {value!r}"
    return f"key '{key}'{shown}: {message}" + (f" (allowed: {limits})" if limits else "")


def _limits_from(context: Mapping[str, Any]) -> str:
    """'0 <= value <= 1'-style limits from an error's context, for values with no field
    of their own (items of a table such as a push's publicity by list)."""
    signs = {"ge": ">=", "gt": ">", "le": "<=", "lt": "<"}
    parts = [f"value {signs[k]} {context[k]}" for k in signs if k in context]
    return " and ".join(parts)


def _walk(loc: list[str]) -> tuple[type[BaseModel] | None, str | None]:
    """The model class holding the last key of `loc`, and that key."""
    cls: Any = Params
    for part in loc[:-1]:
        if part.isdigit() or cls is None:
            continue
        field = cls.model_fields.get(part)
        if field is None:
            return None, None
        cls = _model_in(field.annotation)
    return cls, loc[-1] if loc else None


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def field_info(loc: list[str]) -> Any:
    """The pydantic FieldInfo behind a location, if it is a known field."""
    cls, key = _walk(loc)
    if cls is None or key is None:
        return None
    return cls.model_fields.get(key)


def allowed_keys(loc: list[str]) -> list[str]:
    """The keys a table at `loc` accepts."""
    cls, _ = _walk([*loc, "_"])
    return sorted(cls.model_fields) if cls is not None else []


def allowed_range(info: Any) -> str:
    """'0 <= value <= 1 (share 0-1)' from a field's bounds and unit."""
    lower = upper = ""
    for meta in info.metadata:
        if getattr(meta, "ge", None) is not None:
            lower = f"{meta.ge:g} <= "
        if getattr(meta, "gt", None) is not None:
            lower = f"{meta.gt:g} < "
        if getattr(meta, "le", None) is not None:
            upper = f" <= {meta.le:g}"
        if getattr(meta, "lt", None) is not None:
            upper = f" < {meta.lt:g}"
    extra = info.json_schema_extra or {}
    unit, why = extra.get("unit", ""), extra.get("range_note", "")
    kind = getattr(info.annotation, "__name__", str(info.annotation))
    text = f"{lower}value{upper}" if lower or upper else f"a {kind}"
    text += f" ({unit})" if unit and unit != "-" else ""
    return text + (f"; {why}" if why else "")
