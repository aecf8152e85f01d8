"""What day it is for the shop. handledOn and dueOn are days of the shop's calendar:
today, and the day a flag was set, are read in the time zone the plugin's `time_zone`
setting names, else in Django's TIME_ZONE (a shop in Tokyo served from a server set
to UTC would otherwise refuse a release dated today for nine hours a day)."""
from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Optional

from django.utils import timezone

from . import config, plugin_state
from .compat import zone_named


@dataclass(frozen=True)
class Calendar:
    zone: datetime.tzinfo

    def today(self) -> datetime.date:
        return timezone.localdate(timezone=self.zone)

    def day_of(self, moment: datetime.datetime) -> datetime.date:
        return timezone.localdate(moment, timezone=self.zone)


def calendar(settings: Optional[config.AttentionSettings] = None) -> Calendar:
    """The shop's calendar (reads the stored settings unless given them)."""
    name = (settings or plugin_state.settings()).time_zone
    return Calendar(zone_named(name) if name else timezone.get_default_timezone())
