"""Checks every text staff or apps send in: typed problems, never a database error."""
from __future__ import annotations

import unicodedata
from typing import List

from .errors import AttentionErrorCode, Problem

# Whitespace, and characters that print nothing (zero-width spaces, BOM, controls).
_INVISIBLE = {"Zs", "Zl", "Zp", "Cc", "Cf"}


def is_blank(text: str) -> bool:
    return all(char.isspace() or unicodedata.category(char) in _INVISIBLE for char in text)


def text_problems(field: str, text: str, limit: int) -> List[Problem]:
    """PostgreSQL refuses NUL characters in text; columns have a length."""
    if "\x00" in text:
        return [Problem(field, AttentionErrorCode.INVALID, f"{field} contains a NUL character.")]
    if len(text) > limit:
        return [Problem(field, AttentionErrorCode.TOO_LONG, f"{field} is longer than {limit}.")]
    return []
