"""Programme kinds: what each kind of group is, and the defaults and limits it sets.

One programme machinery serves every kind; the kind only chooses defaults (how many
meetings, their themes) and what is valid (the number of meetings, whether staff take
part as participants). Pure rules, no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from service.base.errors import InvalidInput

Kind = Literal["social_rehabilitation", "co_development", "group_coaching"]
DEFAULT_KIND: Kind = "social_rehabilitation"

# PAKU's co-development process (kehittäjäryhmä): each meeting has its theme; a group
# meets 6–10 times and always closes by gathering what it found.
CO_DEVELOPMENT_THEMES = (
    "Aloituskoulutus",
    "Asiakasymmärrys ja persoonat",
    "Palvelupolut",
    "Kriittiset kohdat",
    "Ratkaisuideat",
    "Kokeilujen suunnittelu",
    "Kokeilujen arviointi",
    "Kehittämisehdotukset",
    "Tulosten esittely",
)
CO_DEVELOPMENT_CLOSING = "Yhteenveto ja jatko"


@dataclass(frozen=True)
class KindRules:
    """What a kind decides. `themes`: the default session themes for `meetings` sessions."""

    purpose: str
    min_meetings: int
    max_meetings: int
    default_meetings: int
    staff_participants: bool
    theme_plan: tuple[str, ...] = ()
    closing_theme: str | None = None

    def themes(self, meetings: int) -> list[str]:
        """Default themes: the plan's first ones, the closing theme last (when set)."""
        if self.closing_theme is None:
            return list(self.theme_plan[:meetings])
        return [*self.theme_plan[: meetings - 1], self.closing_theme]


KINDS: dict[Kind, KindRules] = {
    "social_rehabilitation": KindRules(
        purpose="a social-rehabilitation group (such as Suunta yhdessä): weekly meetings "
        "for clients, run by coaches with the clients' own workers present",
        min_meetings=1,
        max_meetings=52,
        default_meetings=8,
        staff_participants=False,
    ),
    "co_development": KindRules(
        purpose="a co-development group (PAKU's kehittäjäryhmä): social, health and "
        "employment workers and developer-clients work on service paths as equals, "
        "a theme and a memo per meeting",
        min_meetings=6,
        max_meetings=10,
        default_meetings=8,
        staff_participants=True,
        theme_plan=CO_DEVELOPMENT_THEMES,
        closing_theme=CO_DEVELOPMENT_CLOSING,
    ),
    "group_coaching": KindRules(
        purpose="group coaching (such as Onnistu's Elämässä eteenpäin, built on "
        "Kykyviisari): a coach and a group of clients working on each one's goals",
        min_meetings=1,
        max_meetings=52,
        default_meetings=8,
        staff_participants=False,
    ),
}


@dataclass(frozen=True)
class Plan:
    meetings: int
    themes: list[str]


def plan_for(kind: Kind, weeks: int | None, themes: list[str] | None) -> Plan:
    """How many meetings and which themes a new programme of this kind gets: what was
    given, else the kind's defaults; 422 naming the field the kind does not allow."""
    rules = KINDS[kind]
    meetings = rules.default_meetings if weeks is None else weeks
    if not rules.min_meetings <= meetings <= rules.max_meetings:
        raise InvalidInput(
            "weeks",
            f"a {kind} programme meets {rules.min_meetings}–{rules.max_meetings} times, "
            f"not {meetings}",
        )
    chosen = rules.themes(meetings) if themes is None else themes
    if len(chosen) > meetings:
        raise InvalidInput("session_themes", "more themes than weeks")
    return Plan(meetings, chosen)


def require_staff_participants(kind: str) -> None:
    """Only kinds where staff take part as equals have staff participants."""
    if not KINDS[kind].staff_participants:  # type: ignore[index]
        allowed = ", ".join(k for k, rules in KINDS.items() if rules.staff_participants)
        raise InvalidInput(
            "staff_id",
            f"a {kind} programme has no staff participants (only {allowed}); "
            "workers who attend for their clients are its contacts",
        )
