"""Match keys for Japanese customer data, so that the same person typed differently
(full/half width, hiragana/katakana, spaces, hyphens) gives the same key.

Keys are computed when data is stored and indexed, never per query.
"""
from __future__ import annotations

import re
import unicodedata

import jaconv

# Hyphen-like characters people type between digits or in names; the katakana
# long-vowel mark only counts when it sits between digits ("1ー2ー3").
_HYPHENS = "-‐‑‒–—―−－﹣"
_HYPHEN_RE = re.compile(f"[{_HYPHENS}]|(?<=\\d)[ーｰ](?=\\d)")
# Between two katakana a hyphen is a long-vowel mark typed with the minus key
# ("ユ-コ" is "ユーコ").
_KATAKANA = "ァ-ヺー"
_KANA_HYPHEN_RE = re.compile(f"(?<=[{_KATAKANA}])[{_HYPHENS}](?=[{_KATAKANA}])")
# Spaces, and the middle dot between the parts of a name ("ジョン・スミス").
_SPACE_RE = re.compile(r"[\s・]+")
# The spacing (voiced) sound marks "゛" "゜" typed after a kana: NFKC makes them a space
# and a combining mark, which would not join the kana; the combining marks do.
_SPACING_MARKS = str.maketrans({"゛": "\u3099", "゜": "\u309a", "ﾞ": "\u3099", "ﾟ": "\u309a"})
_NON_DIGIT_RE = re.compile(r"\D")


def text_key(value: str) -> str:
    """Names, name readings (フリガナ) and addresses: NFKC (full/half width), katakana
    for hiragana and half-width kana (ﾔﾏﾀﾞ, やまだ and ヤマダ give one key), voiced
    marks joined to their kana, no spaces, middle dots or hyphens, lower case."""
    text = unicodedata.normalize("NFKC", (value or "").translate(_SPACING_MARKS))
    text = jaconv.hira2kata(text)
    text = _KANA_HYPHEN_RE.sub("ー", text)
    text = _HYPHEN_RE.sub("", text)
    text = _SPACE_RE.sub("", text)
    return text.lower()


def digits_key(value: str) -> str:
    """Postal codes: digits only."""
    return _NON_DIGIT_RE.sub("", unicodedata.normalize("NFKC", value or ""))


def phone_key(value: str) -> str:
    """Phone numbers: digits only, Japan's +81 written as the domestic leading 0."""
    digits = digits_key(value)
    if (value or "").strip().startswith("+81") or (value or "").strip().startswith("＋８１"):
        digits = "0" + digits[2:]
    return digits


def email_key(value: str) -> str:
    return unicodedata.normalize("NFKC", value or "").strip().lower()
