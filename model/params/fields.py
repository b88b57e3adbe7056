"""Building blocks for parameter definitions: one `param()` per economic number.

Every parameter carries its unit, meaning and source, so that validation errors,
the ODD parameter tables and the CLI can all say what a number is and what values
are allowed.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from model.calendar import parse_quarter

HAND_SET = "hand-set (quick fit to the 2021-25 targets)"


def _quarter_label(value: str) -> str:
    parse_quarter(value)  # raises ValueError("'x' is not a quarter; write it like 2021Q3")
    return value


# A quarter written like 2021Q3; anything else is a validation error naming the key.
QuarterLabel = Annotated[str, AfterValidator(_quarter_label)]


def param(
    default: Any,
    *,
    unit: str,
    doc: str,
    source: str = HAND_SET,
    ge: float | None = None,
    le: float | None = None,
    gt: float | None = None,
    lt: float | None = None,
    why: str = "",
) -> Any:
    """A typed, bounded parameter field with unit, meaning and source attached.

    `why` says why the range is narrower than the economics alone would allow; it is
    added to the error message when a value falls outside.
    """
    return Field(
        default,
        ge=ge,
        le=le,
        gt=gt,
        lt=lt,
        # Scalars are strict (a quoted "0.5" is a typo, not a number); containers
        # are lax so TOML arrays can fill tuples, their items are checked by type.
        strict=isinstance(default, bool | int | float | str),
        description=doc,
        json_schema_extra={"unit": unit, "source": source, "range_note": why},
    )


class Section(BaseModel):
    """A frozen group of parameters; unknown keys are errors, not ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=True)
