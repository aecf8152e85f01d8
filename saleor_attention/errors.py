"""Errors the service layer raises; GraphQL turns them into typed `errors` entries."""
from __future__ import annotations

from enum import Enum
from typing import Dict, Iterable, List, NamedTuple, Optional


class AttentionErrorCode(Enum):
    # A customer's action refused while their order needs attention (the message is
    # the flag's customer-safe text).
    ACTION_REFUSED = "action_refused"
    ALREADY_RELEASED = "already_released"
    GRAPHQL_ERROR = "graphql_error"
    INVALID = "invalid"
    NOT_FOUND = "not_found"
    NOT_IN_SUBSCRIPTION = "not_in_subscription"
    NOTHING_TO_RELEASE = "nothing_to_release"
    REQUIRED = "required"
    TOO_LONG = "too_long"
    # More orders than one call takes: narrow the filter, or run it in the background.
    TOO_MANY = "too_many"


class Problem(NamedTuple):
    field: Optional[str]  # the camelCase input name, or None
    code: AttentionErrorCode
    message: str


class AttentionError(Exception):
    """One or more problems with a request; nothing was changed."""

    def __init__(self, field: Optional[str], code: AttentionErrorCode, message: str):
        super().__init__(message)
        self.problems: List[Problem] = [Problem(field, code, message)]
        # What the answer carries besides the errors (a bulk call's count of orders).
        self.details: Dict[str, object] = {}

    @classmethod
    def of(cls, problems: Iterable[Problem]) -> "AttentionError":
        problems = list(problems)
        error = cls(*problems[0])
        error.problems = problems
        return error
