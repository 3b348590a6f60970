"""What the client's page says, in fi, sv and en, and in plain language (selkokieli
style: short sentences, one thing per line, the weekday spelled out). Pure functions."""

from __future__ import annotations

from datetime import datetime

from service.composers.client_page.personal_texts import PERSONAL_WORDS
from service.notifications.page_link_text import MONTHS_EN

LANGUAGES = ("fi", "sv", "en")

WORDS: dict[str, dict[str, str]] = {
    "fi": {
        "title": "Oma sivusi",
        "hello": "Hei {name}!",
        "intro": "Tässä ovat tulevat tapaamisesi. Kerro jokaisesta, pääsetkö paikalle.",
        "intro_plain": "Tässä ovat sinun tapaamisesi.\nKerro, tuletko.",
        "coming_heading": "Tulevat tapaamiset",
        "memos_heading": "Muistiinpanot tapaamisista",
        "memos_intro": "Ryhmän ohjaajien muistiinpanot edellisistä tapaamisista.",
        "nothing": "Sinulla ei ole nyt tulevia tapaamisia.",
        "zone": "Ajat ovat aikavyöhykkeellä {zone}.",
        "cancelled": "Peruttu. Tätä tapaamista ei pidetä.",
        "started": "Tapaaminen on jo alkanut.",
        "place": "Paikka",
        "theme": "Aihe",
        "online": "Etäyhteys",
        "your_answer": "Vastauksesi",
        "coming": "Tulen",
        "not_coming": "En pääse",
        "contact_heading": "Kysy lisää",
        "phone": "Puhelin",
        "email": "Sähköposti",
        "calendar_heading": "Lisää kalenteriin",
        "subscribe": "Tilaa kalenteri",
        "download": "Lataa kalenteritiedosto (.ics)",
        "qr": "QR-koodi kalenterin tilaamiseen",
        "help_iphone": "iPhone: avaa linkki Tilaa kalenteri ja valitse Tilaa.",
        "help_android": "Android: kopioi linkki ja lisää se Google-kalenteriin verkossa "
        "kohdasta Muut kalenterit, URL-osoitteesta.",
        "help_other": "Muut puhelimet: lataa kalenteritiedosto ja avaa se.",
        "not_found_title": "Linkki ei toimi",
        "not_found": "Tämä linkki on vanhentunut tai poistettu. Pyydä työntekijältäsi uusi linkki.",
        "form_expired": "Sivu oli auki liian kauan. Avaa sivu uudelleen ja vastaa sitten.",
        "too_late": "Tapaaminen on jo alkanut, joten siihen ei voi enää vastata. "
        "Jos et pääse, soita työntekijällesi.",
        "cancelled_answer": "Tapaaminen on peruttu. Siihen ei tarvitse vastata.",
        "unknown_item": "Tätä tapaamista ei löydy sivultasi.",
        "bad_form": "Vastaus ei mennyt perille. Avaa sivu uudelleen ja vastaa sitten.",
        "back": "Takaisin sivullesi",
        "at": "klo",
        "starts": "Alkaa kello {time}.",
        "ends": "Loppuu kello {time}.",
    },
    "sv": {
        "title": "Din egen sida",
        "hello": "Hej {name}!",
        "intro": "Här är dina kommande träffar. Berätta för varje om du kan komma.",
        "intro_plain": "Här är dina träffar.\nBerätta om du kommer.",
        "coming_heading": "Kommande träffar",
        "memos_heading": "Anteckningar från träffarna",
        "memos_intro": "Gruppledarnas anteckningar från de senaste träffarna.",
        "nothing": "Du har inga kommande träffar just nu.",
        "zone": "Tiderna är i tidszonen {zone}.",
        "cancelled": "Inställd. Den här träffen hålls inte.",
        "started": "Träffen har redan börjat.",
        "place": "Plats",
        "theme": "Tema",
        "online": "Delta på distans",
        "your_answer": "Ditt svar",
        "coming": "Jag kommer",
        "not_coming": "Jag kan inte komma",
        "contact_heading": "Fråga mer",
        "phone": "Telefon",
        "email": "E-post",
        "calendar_heading": "Lägg till i kalendern",
        "subscribe": "Prenumerera på kalendern",
        "download": "Ladda ner kalenderfilen (.ics)",
        "qr": "QR-kod för att prenumerera på kalendern",
        "help_iphone": "iPhone: öppna länken Prenumerera på kalendern och välj Prenumerera.",
        "help_android": "Android: kopiera länken och lägg till den i Google Kalender på webben "
        "under Andra kalendrar, Från webbadress.",
        "help_other": "Andra telefoner: ladda ner kalenderfilen och öppna den.",
        "not_found_title": "Länken fungerar inte",
        "not_found": "Länken har gått ut eller tagits bort. Be din arbetstagare om en ny länk.",
        "form_expired": "Sidan var öppen för länge. Öppna sidan igen och svara sedan.",
        "too_late": "Träffen har redan börjat, så du kan inte längre svara. "
        "Om du inte kan komma, ring din arbetstagare.",
        "cancelled_answer": "Träffen är inställd. Du behöver inte svara.",
        "unknown_item": "Den här träffen finns inte på din sida.",
        "bad_form": "Svaret kom inte fram. Öppna sidan igen och svara sedan.",
        "back": "Tillbaka till din sida",
        "at": "kl.",
        "starts": "Börjar klockan {time}.",
        "ends": "Slutar klockan {time}.",
    },
    "en": {
        "title": "Your page",
        "hello": "Hello {name}!",
        "intro": "Here are your coming meetings. Tell us for each one whether you can come.",
        "intro_plain": "Here are your meetings.\nTell us if you will come.",
        "coming_heading": "Coming meetings",
        "memos_heading": "Notes from the meetings",
        "memos_intro": "The group leaders' notes from the latest meetings.",
        "nothing": "You have no coming meetings right now.",
        "zone": "Times are in the {zone} time zone.",
        "cancelled": "Cancelled. This meeting will not take place.",
        "started": "The meeting has already started.",
        "place": "Place",
        "theme": "Theme",
        "online": "Join online",
        "your_answer": "Your answer",
        "coming": "I'll come",
        "not_coming": "I can't come",
        "contact_heading": "Ask more",
        "phone": "Phone",
        "email": "Email",
        "calendar_heading": "Add to your calendar",
        "subscribe": "Subscribe to the calendar",
        "download": "Download the calendar file (.ics)",
        "qr": "QR code to subscribe to the calendar",
        "help_iphone": "iPhone: open the link Subscribe to the calendar and choose Subscribe.",
        "help_android": "Android: copy the link and add it in Google Calendar on the web "
        "under Other calendars, From URL.",
        "help_other": "Other phones: download the calendar file and open it.",
        "not_found_title": "This link does not work",
        "not_found": "This link has expired or been removed. Ask your worker for a new link.",
        "form_expired": "The page was open too long. Open the page again, then answer.",
        "too_late": "The meeting has already started, so you can no longer answer. "
        "If you cannot come, call your worker.",
        "cancelled_answer": "The meeting is cancelled. You do not need to answer.",
        "unknown_item": "This meeting is not on your page.",
        "bad_form": "Your answer did not arrive. Open the page again, then answer.",
        "back": "Back to your page",
        "at": "",
        "starts": "Starts at {time}.",
        "ends": "Ends at {time}.",
    },
}

_WEEKDAYS = {
    "fi": ("ma", "ti", "ke", "to", "pe", "la", "su"),
    "sv": ("mån", "tis", "ons", "tors", "fre", "lör", "sön"),
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
}
# Spelled out, as a plain-language sentence starts: "Maanantaina 7.12.2026."
_WEEKDAYS_PLAIN = {
    "fi": (
        "Maanantaina",
        "Tiistaina",
        "Keskiviikkona",
        "Torstaina",
        "Perjantaina",
        "Lauantaina",
        "Sunnuntaina",
    ),
    "sv": ("Måndag", "Tisdag", "Onsdag", "Torsdag", "Fredag", "Lördag", "Söndag"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}


def language_of(asked: str | None, own: str) -> str:
    """`?lang=` when it names one of the three, else the client's own language."""
    return asked if asked in LANGUAGES else (own if own in LANGUAGES else "fi")


def _day(language: str, at: datetime) -> str:
    if language == "en":
        return f"{at.day} {MONTHS_EN[at.month - 1]} {at.year}"
    return f"{at.day}.{at.month}.{at.year}"


def _clock(language: str, at: datetime) -> str:
    return f"{at:%H:%M}" if language == "en" else f"{at:%H.%M}"


def when(language: str, plain: bool, starts: datetime, ends: datetime) -> list[str]:
    """The day and the time, both already in the client's zone: one line, or in plain
    language a line each for the day, the start and the end."""
    if plain:
        words = WORDS[language]
        return [
            f"{_WEEKDAYS_PLAIN[language][starts.weekday()]} {_day(language, starts)}.",
            words["starts"].format(time=_clock(language, starts)),
            words["ends"].format(time=_clock(language, ends)),
        ]
    at = WORDS[language]["at"]
    times = f"{_clock(language, starts)}–{_clock(language, ends)}"
    day = f"{_WEEKDAYS[language][starts.weekday()]} {_day(language, starts)}"
    return [f"{day} {at} {times}" if at else f"{day}, {times}"]


# The personal part's words (personal_texts.py) join the page's own.
for _code in LANGUAGES:
    WORDS[_code].update(PERSONAL_WORDS[_code])
