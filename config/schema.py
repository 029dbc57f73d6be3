"""The one way the program's TOML formats are checked: a pydantic v2 model per table, read back as one plain problem.

A model (usually a `Table`) describes each key once (type, range, allowed words, default, and in
`description` what a technician should write); `validate_table` turns pydantic's errors into Problems
(the key, and that description or the message of the model's own validator), so each format words its
Chinese message naming the file, the table and the key. The four formats: site settings
(kiosk/settings_schema.py), the service catalogue (kiosk/catalogue.py), the forms (kiosk/forms.py) and
the printer profiles (devices/printer/profiles.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, StringConstraints, ValidationError

M = TypeVar("M", bound=BaseModel)
# A string with something in it besides blanks (each format words the expected form itself).
NON_BLANK = StringConstraints(pattern=r"\S")


class Table(BaseModel):
    """One TOML table: unknown keys refused, no coercion ("60" is not 60, true is not 1), read-only once checked."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


@dataclass(frozen=True)
class Problem:
    """What is wrong with one table: the key, the kind ("unknown", "missing", "value"), what it should be, what it is.

    `key` is the dotted place (`options.0.label` for a value inside a list); `field` is its first part, the
    table's own key. `cause` is the ValueError a model's own validator raised (its message is `expected`).
    """

    key: str
    kind: str
    expected: str
    actual: Any
    cause: ValueError | None = None

    @property
    def field(self) -> str:
        """The table's own key this problem is about (the first part of `key`)."""
        return self.key.split(".", 1)[0]


class SchemaProblem(ValueError):
    """A table that does not fit its model; carries the first Problem and all of them (in the model's key order)."""

    def __init__(self, problem: Problem, problems: tuple[Problem, ...] = ()) -> None:
        super().__init__(f"{problem.key}: {problem.kind}")
        self.problem = problem
        self.problems = problems or (problem,)

    def first(self, *kinds: str) -> Problem:
        """The first problem of the first of `kinds` that has one (e.g. unknown keys before wrong values), else the first."""
        for kind in kinds:
            for problem in self.problems:
                if problem.kind == kind:
                    return problem
        return self.problem


def problems(model: type[BaseModel], error: ValidationError, data: Mapping[str, Any]) -> tuple[Problem, ...]:
    """Every error of `error` as a Problem, in pydantic's order (the model's keys in order, unknown keys last)."""
    out: list[Problem] = []
    for item in error.errors():
        loc = [str(part) for part in item["loc"]]
        key = ".".join(loc)
        if item["type"] == "extra_forbidden" and len(loc) == 1:  # deeper: a wrong value of the outer key
            out.append(Problem(key, "unknown", ", ".join(sorted(model.model_fields)), data.get(loc[0])))
            continue
        field = model.model_fields.get(loc[0])
        if item["type"] == "missing" and len(loc) == 1:
            out.append(Problem(key, "missing", (field.description if field else None) or "", None))
            continue
        cause = item.get("ctx", {}).get("error") if item["type"] == "value_error" else None
        if isinstance(cause, ValueError) and cause.args:
            out.append(Problem(key, "value", str(cause.args[0]), data.get(loc[0]), cause))
            continue
        out.append(Problem(key, "value", (field.description if field else None) or item["msg"], data.get(loc[0])))
    return tuple(out)


def validate_table(model: type[M], data: Mapping[str, Any]) -> M:
    """`data` checked against `model`; SchemaProblem naming the first wrong key (and carrying every problem)."""
    try:
        return model.model_validate(dict(data))
    except ValidationError as exc:
        found = problems(model, exc, data)
        raise SchemaProblem(found[0], found) from exc
