"""A stable digest of a JSON payload: the same content gives the same digest however
it was laid out (key order, spacing). The inbound endpoint stores it to tell a repeated
event from another one under the same id; the migration that added it fills it in for
earlier events, so both take it from here and can never differ."""
from __future__ import annotations

import hashlib
import json


def digest(payload: object) -> str:
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()
