"""Finnish local time, which decides dates such as a consent's last day."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

HELSINKI = ZoneInfo("Europe/Helsinki")


def today_in_finland() -> date:
    return datetime.now(HELSINKI).date()
