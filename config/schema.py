"""The one way the program's TOML formats are checked: a pydantic v2 model per table, read back as one plain problem.

A model describes each key once (type, range, allowed words, default, and in `description` what a
technician should write); `first_problem` turns pydantic's first error into the key it concerns and
that description, so each format can word its Chinese message naming the file, the table and the key.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class Problem:
    """What is wrong with one table: the key, the kind ("unknown", "missing", "value"), what it should be, what it is."""

    key: str
    kind: str
    expected: str
    actual: Any


class SchemaProblem(ValueError):
    """A table that does not fit its model; carries the first Problem."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(f"{problem.key}: {problem.kind}")
        self.problem = problem


def first_problem(model: type[BaseModel], error: ValidationError, data: Mapping[str, Any]) -> Problem:
    """The first error of `error` as a Problem (the key, and the field's description as what is expected)."""
    first = error.errors()[0]
    loc = [str(part) for part in first["loc"]]
    key = ".".join(loc)
    if first["type"] == "extra_forbidden":
        return Problem(key, "unknown", ", ".join(sorted(model.model_fields)), data.get(loc[0]))
    if first["type"] == "missing":
        return Problem(key, "missing", model.model_fields[loc[0]].description or "", None)
    field = model.model_fields.get(loc[0])
    return Problem(key, "value", (field.description if field else None) or first["msg"], data.get(loc[0]))


def validate_table(model: type[M], data: Mapping[str, Any]) -> M:
    """`data` checked against `model`; SchemaProblem naming the first wrong key."""
    try:
        return model.model_validate(dict(data))
    except ValidationError as exc:
        raise SchemaProblem(first_problem(model, exc, data)) from exc
