"""The reviewed registry file's schema (``corpus/registry/policies.yaml``) as pydantic models.

Strict: no unknown keys, "5" is not a number and 1 is not true, because a reviewer who wrote
either meant something else. An empty value (``note:`` with nothing after it) counts as not
given. Rules that involve two keys (``match`` only with text, ``parent`` below goals) are
field validators, so their errors point at the key. Format: ``corpus/registry/README.md``.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    PlainValidator,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from alignment.registry.models import Level

_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
#: the correction operations, as the ``op`` key names them
OPS = ("retitle", "relabel", "pages", "drop", "add", "split")


class _Schema(BaseModel):
    """Every mapping of the file: unknown keys are mistakes (a typo must not be ignored)."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


def _none_is_empty(value: Any) -> Any:
    return [] if value is None else value


def _globs(value: Any) -> str | list[str]:
    if isinstance(value, str) or (isinstance(value, list)
                                  and all(isinstance(v, str) for v in value)):
        return value
    raise PydanticCustomError("globs", "must be a glob or a list of globs")


def _period(value: Any) -> str:
    if isinstance(value, str) or (isinstance(value, int) and not isinstance(value, bool)):
        return str(value)  # `period: 2023` reads as a number
    raise PydanticCustomError("period", "must be text such as 2022-2035")


PageNumber = Annotated[int, Field(ge=1, description="1-based PDF page")]
Count = Annotated[int, Field(ge=0)]
Globs = Annotated[str | list[str], PlainValidator(_globs)]
Period = Annotated[str, PlainValidator(_period)]


# -- corrections ------------------------------------------------------------------------------


class _Correction(_Schema):
    @property
    def subject(self) -> str | None:
        """What the correction names, for the warning when it cannot be applied."""
        return (getattr(self, "id", None) or getattr(self, "parent", None)
                or getattr(self, "label", None))


class Retitle(_Correction):
    op: Literal["retitle"]
    id: str
    title: str


class Relabel(_Correction):
    op: Literal["relabel"]
    id: str
    label: str


class SetPages(_Correction):
    op: Literal["pages"]
    id: str
    page_start: PageNumber
    page_end: PageNumber


class Drop(_Correction):
    """A spurious node; its predecessor runs on over the gap."""

    op: Literal["drop"]
    id: str


class Split(_Correction):
    """One extracted measure that is several."""

    op: Literal["split"]
    id: str
    into: list[str] = Field(min_length=2)


class Add(_Correction):
    """A node the text did not yield; ``label`` only for goals and strategies, which have one."""

    op: Literal["add"]
    level: Level
    title: str
    parent: str | None = Field(None, validate_default=True)
    after: str | None = None
    label: str | None = Field(None, validate_default=True)
    page_start: PageNumber | None = None
    page_end: PageNumber | None = None

    @field_validator("parent")
    @classmethod
    def _parent_below_goals(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is None and info.data.get("level", "goal") != "goal":
            raise PydanticCustomError("required", "missing (the id of the goal or strategy)")
        return value

    @field_validator("label")
    @classmethod
    def _label_above_measures(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is None and info.data.get("level", "measure") != "measure":
            raise PydanticCustomError("required", "missing (e.g. 'Strategy 11')")
        return value

    @model_validator(mode="after")
    def _both_pages_or_neither(self) -> Add:
        if (self.page_start is None) != (self.page_end is None):
            raise PydanticCustomError("pages", "give both page_start and page_end, or neither")
        return self


Correction = Annotated[Retitle | Relabel | SetPages | Drop | Add | Split, Discriminator("op")]


# -- policies ---------------------------------------------------------------------------------


class HandStrategy(_Schema):
    label: str
    title: str


class HandGoal(_Schema):
    label: str
    title: str
    strategies: Annotated[list[HandStrategy], BeforeValidator(_none_is_empty)] = Field(
        default_factory=list)


class Expected(_Schema):
    """The counts a reviewer verified; extraction plus corrections that differ are warned of."""

    goals: Count | None = None
    strategies: Count | None = None
    measures: Count | None = None

    def as_dict(self) -> dict[str, int]:
        given = {"goals": self.goals, "strategies": self.strategies, "measures": self.measures}
        return {k: v for k, v in given.items() if v is not None}


class ReviewedPolicy(_Schema):
    """One entry: a policy with indexed text (``match``) or one entered by hand (``goals``).

    ``has_text`` comes before the fields that depend on it: their validators read it."""

    id: str
    title: str
    has_text: bool = True
    short_name: str | None = None
    match: Globs | None = Field(None, validate_default=True)
    period: Period | None = None
    issuing_body: str | None = None
    note: str | None = None
    expected: Expected | None = None
    measure_word: str | None = None
    measure_labels: Literal["per_strategy", "continuous"] = "per_strategy"
    #: the policy's own words for a level, as a question may use them ("pillars" for the
    #: goals of a framework that calls its policy directions foundations and pillars)
    level_words: dict[Literal["goal", "strategy", "measure"], list[str]] = Field(
        default_factory=dict)
    corrections: Annotated[list[Correction], BeforeValidator(_none_is_empty)] = Field(
        default_factory=list)
    goals: Annotated[list[HandGoal], BeforeValidator(_none_is_empty)] = Field(
        default_factory=list)

    @field_validator("id")
    @classmethod
    def _slug(cls, value: str) -> str:
        if not _ID.match(value):
            raise PydanticCustomError("policy_id", "use lower-case letters, digits and '-' only")
        return value

    @field_validator("match")
    @classmethod
    def _match_iff_text(cls, value: Any, info: ValidationInfo) -> Any:
        has_text = info.data.get("has_text", True)
        if has_text and value is None:
            raise PydanticCustomError("required",
                                      "missing (a doc_id glob; or set has_text: false)")
        if not has_text and value is not None:
            raise PydanticCustomError("text_only", "only for policies with indexed text")
        return value

    @field_validator("expected", "corrections")
    @classmethod
    def _only_with_text(cls, value: Any, info: ValidationInfo) -> Any:
        if value and not info.data.get("has_text", True):
            raise PydanticCustomError("text_only", "only for policies with indexed text")
        return value

    @field_validator("goals")
    @classmethod
    def _only_by_hand(cls, value: list[HandGoal], info: ValidationInfo) -> list[HandGoal]:
        if value and info.data.get("has_text", True):
            raise PydanticCustomError("hand_only",
                                      "only for hand-entered policies (has_text: false)")
        return value

    @property
    def display_short_name(self) -> str:
        return self.short_name if self.short_name is not None else self.title[:40]


class ReviewedFile(_Schema):
    version: int = 1
    policies: Annotated[list[ReviewedPolicy], BeforeValidator(_none_is_empty)] = Field(
        default_factory=list)

    @field_validator("policies")
    @classmethod
    def _unique_ids(cls, value: list[ReviewedPolicy]) -> list[ReviewedPolicy]:
        first: dict[str, int] = {}
        for index, policy in enumerate(value):
            if policy.id in first:
                raise PydanticCustomError(
                    "duplicate_id", "duplicate policy id '{policy_id}' (policies[{first}] and "
                    "policies[{index}])",
                    {"policy_id": policy.id, "first": first[policy.id], "index": index})
            first[policy.id] = index
        return value
