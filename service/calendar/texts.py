"""What a calendar event says about itself, in the reader's language (fi, sv, en).

Short plain sentences for someone who opens the event on a phone: which meeting of
the group it is and the week's theme, how to join online, whom to call. Nothing about
anyone's health or situation.
"""

from __future__ import annotations

_WORDS = {
    "fi": {
        "number": "Tapaaminen {number}/{total}",
        "theme": "Aihe: {theme}",
        "weekly": "Ryhmä kokoontuu kerran viikossa.",
        "meeting": "Tapaaminen valmentajan kanssa.",
        "link": "Linkki etäyhteyteen: {url}",
        "phone": "Jos et pääse, soita {phone}.",
        "meeting_title": "Valmennustapaaminen",
    },
    "sv": {
        "number": "Träff {number}/{total}",
        "theme": "Tema: {theme}",
        "weekly": "Gruppen träffas en gång i veckan.",
        "meeting": "Träff med din coach.",
        "link": "Länk för att delta på distans: {url}",
        "phone": "Om du inte kan komma, ring {phone}.",
        "meeting_title": "Coachningsträff",
    },
    "en": {
        "number": "Meeting {number} of {total}",
        "theme": "Theme: {theme}",
        "weekly": "The group meets once a week.",
        "meeting": "A meeting with your coach.",
        "link": "Link to join online: {url}",
        "phone": "If you cannot come, call {phone}.",
        "meeting_title": "Coaching meeting",
    },
}


def _lines(language: str, lines: list[str], url: str | None, phone: str | None) -> str:
    words = _WORDS[language]
    if url:
        lines.append(words["link"].format(url=url))
    if phone:
        lines.append(words["phone"].format(phone=phone))
    return "\n".join(lines)


def session(
    language: str,
    *,
    number: int,
    total: int,
    theme: str | None,
    url: str | None,
    phone: str | None,
) -> str:
    """One meeting of a group: "Tapaaminen 3/8", its theme, link and whom to call."""
    words = _WORDS[language]
    lines = [words["number"].format(number=number, total=total)]
    if theme:
        lines.append(words["theme"].format(theme=theme))
    return _lines(language, lines, url, phone)


def series(language: str, *, url: str | None, phone: str | None) -> str:
    """A group's weekly series as a whole."""
    return _lines(language, [_WORDS[language]["weekly"]], url, phone)


def meeting(language: str, *, url: str | None, phone: str | None, coach: bool = False) -> str:
    """A one-to-one meeting as the client reads it, or as their coach does (the link)."""
    if coach:
        return _lines(language, [], url, None)
    return _lines(language, [_WORDS[language]["meeting"]], url, phone)


def meeting_title(
    language: str, first_name: str | None = None, last_name: str | None = None
) -> str:
    """ "Valmennustapaaminen", or in a coach's own calendar "Valmennustapaaminen: Anna S."
    so that their meetings can be told apart."""
    title = _WORDS[language]["meeting_title"]
    if not first_name:
        return title
    initial = f" {last_name.strip()[0]}." if last_name and last_name.strip() else ""
    return f"{title}: {first_name.strip()}{initial}"
