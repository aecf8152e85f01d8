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

    @property
    def name(self) -> str:
        """How the audit trail names the actor, kept when the account is deleted."""
        if self.app is not None:
            return self.app.name
        if self.user is not None:
            full_name = f"{self.user.first_name} {self.user.last_name}".strip()
            return full_name or self.user.email
        return ""


RULES = Actor()
