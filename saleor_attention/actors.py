"""Who changes a flag: a staff user, an app, or (neither) the plugin's own rules."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

from .models import Source


@dataclass(frozen=True)
class Actor:
    user: Optional[Any] = None
    app: Optional[Any] = None

    @property
    def source(self) -> str:
        if self.app is not None:
            return Source.APP
        if self.user is not None:
            return Source.STAFF
        return Source.RULE


RULES = Actor()
