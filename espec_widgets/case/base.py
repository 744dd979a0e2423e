"""Building blocks shared by the case models: the strict base model and common field types."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Slug = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", min_length=2, max_length=60),
]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class _Model(BaseModel):
    """Strict base: unknown keys are errors, so typos are caught."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_enum_values=False)


class Line(_Model):
    speaker: Slug = Field(description="The id of a person in 'people'.")
    text: Text
    direction: ShortText | None = Field(
        default=None, description="A stage direction, e.g. 'quietly'."
    )
