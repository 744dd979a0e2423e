"""Exercise widgets, one module per family; each validates every browser value in the kernel."""

from .choice import Attempt, ChoiceQuestion
from .reflection import ReflectionBox

__all__ = ["Attempt", "ChoiceQuestion", "ReflectionBox"]
