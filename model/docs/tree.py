"""The parameter tree of `Params` as dotted keys, for the generated documentation.

Every field of `Params` is a node: a section (a nested parameter object), an item
list (a tuple of parameter objects, like sectors or events; its items are
reached as `<key>.<i>.<field>`, the form a scenario file uses to change one item),
or a leaf (a number, flag, text or tuple of numbers).
"""

from __future__ import annotations

import typing
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from model.params import Params

ITEM = "<i>"  # stands for an item number in a dotted key: population.sectors.<i>.name


@dataclass(frozen=True)
class Node:
    """One field of the parameter tree."""

    key: str  # dotted key from the top of Params ("" for Params itself)
    kind: str  # "section", "items" or "leaf"
    info: FieldInfo | None  # None for the top
    model: type[BaseModel] | None  # class of a section, or of an item list's items
    default: Any  # the code's default value


def section_class(annotation: Any) -> type[BaseModel] | None:
    """The parameter class of a section field, None otherwise."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return None


def item_class(annotation: Any) -> type[BaseModel] | None:
    """The item class of a tuple-of-parameter-objects field, None otherwise."""
    if typing.get_origin(annotation) is not tuple:
        return None
    args = [a for a in typing.get_args(annotation) if a is not Ellipsis]
    return section_class(args[0]) if len(args) == 1 else None


def join(prefix: str, name: str) -> str:
    """Dotted key of a child."""
    return f"{prefix}.{name}" if prefix else name


def walk(model: type[BaseModel] = Params, prefix: str = "", default: Any = None) -> Iterator[Node]:
    """Every node below `model`, depth first, in the order the fields are defined;
    defaults come from `default` (an instance), else from the class's own defaults."""
    default = model() if default is None and not _required(model) else default
    for name, info in model.model_fields.items():
        key = join(prefix, name)
        value = getattr(default, name, info.default)
        section, items = section_class(info.annotation), item_class(info.annotation)
        if section is not None:
            yield Node(key, "section", info, section, value)
            yield from walk(section, key, value)
        elif items is not None:
            yield Node(key, "items", info, items, value)
            # Item fields show the class defaults: what an item that omits the field gets.
            yield from walk(items, join(key, ITEM))
        else:
            yield Node(key, "leaf", info, None, value)


def _required(model: type[BaseModel]) -> bool:
    return any(info.is_required() for info in model.model_fields.values())


@cache
def nodes() -> dict[str, Node]:
    """All nodes by dotted key, the top (key "") included."""
    top = Node("", "section", None, Params, Params())
    return {"": top, **{node.key: node for node in walk()}}


def leaves() -> list[str]:
    """Dotted keys of every leaf and item list (what the parameter tables must show)."""
    return [node.key for node in nodes().values() if node.kind in ("leaf", "items")]
