"""What the message carrying a client's page link says, by SMS or e-mail, in fi, sv and
en, and in plain language (short sentences, one thing per line). Pure functions.

The link is a secret, so every text asks the client to keep it to themselves. An SMS is
one message of 160 GSM-7 characters: when the greeting and the words do not fit beside
the link, the name goes first, then the words shrink to the shortest; the link always
goes whole (half a link leads nowhere)."""

from __future__ import annotations

from datetime import date

from service.notifications.render import SMS_LENGTH, Text, gsm7, gsm7_length

# Each SMS: from the fullest to the shortest; the first greets by name.
_SMS: dict[tuple[str, bool], tuple[str, ...]] = {
    ("fi", False): (
        "Hei {name}! Oma sivusi ja tulevat tapaamiset:\n{url}\nÄlä jaa linkkiä.",
        "Oma sivusi ja tulevat tapaamiset:\n{url}\nÄlä jaa linkkiä.",
        "Oma sivusi:\n{url}",
    ),
    ("fi", True): (
        "Hei {name}!\nTässä on linkki sivullesi.\n{url}\nÄlä anna linkkiä muille.",
        "Tässä on linkki sivullesi.\n{url}\nÄlä anna linkkiä muille.",
        "Sinun sivusi:\n{url}",
    ),
    ("sv", False): (
        "Hej {name}! Din sida med kommande träffar:\n{url}\nDela inte länken.",
        "Din sida med kommande träffar:\n{url}\nDela inte länken.",
        "Din sida:\n{url}",
    ),
    ("sv", True): (
        "Hej {name}!\nHär är länken till din sida.\n{url}\nGe inte länken till andra.",
        "Här är länken till din sida.\n{url}\nGe inte länken till andra.",
        "Din sida:\n{url}",
    ),
    ("en", False): (
        "Hi {name}! Your page and coming meetings:\n{url}\nDo not share the link.",
        "Your page and coming meetings:\n{url}\nDo not share the link.",
        "Your page:\n{url}",
    ),
    ("en", True): (
        "Hi {name}!\nHere is the link to your page.\n{url}\nDo not give it to others.",
        "Here is the link to your page.\n{url}\nDo not give it to others.",
        "Your page:\n{url}",
    ),
}

_SUBJECT = {
    "fi": "Linkki omalle sivullesi",
    "sv": "Länken till din egen sida",
    "en": "The link to your own page",
}

_EMAIL: dict[tuple[str, bool], str] = {
    ("fi", False): (
        "Hei {name}!\n\n"
        "Tällä linkillä pääset omalle sivullesi. Siellä näet tulevat ryhmätapaamisesi ja "
        "muut tapaamisesi ja voit kertoa jokaisesta, pääsetkö paikalle.\n\n"
        "{url}\n\n"
        "Linkki toimii {until} asti. Linkki on vain sinua varten: älä jaa sitä muille. "
        "Jos linkki ei toimi, pyydä työntekijältäsi uusi.\n"
    ),
    ("fi", True): (
        "Hei {name}!\n\n"
        "Tässä on linkki sinun omalle sivullesi.\n"
        "Sivulla näet sinun tapaamisesi.\n"
        "Voit kertoa, tuletko.\n\n"
        "{url}\n\n"
        "Linkki toimii {until} asti.\n"
        "Linkki on vain sinulle.\n"
        "Älä anna linkkiä muille.\n"
        "Jos linkki ei toimi, pyydä uusi linkki työntekijältä.\n"
    ),
    ("sv", False): (
        "Hej {name}!\n\n"
        "Med den här länken kommer du till din egen sida. Där ser du dina kommande "
        "gruppträffar och andra träffar och kan berätta för varje om du kan komma.\n\n"
        "{url}\n\n"
        "Länken fungerar till och med {until}. Länken är bara för dig: dela den inte med "
        "andra. Om länken inte fungerar, be din arbetstagare om en ny.\n"
    ),
    ("sv", True): (
        "Hej {name}!\n\n"
        "Här är länken till din egen sida.\n"
        "På sidan ser du dina träffar.\n"
        "Du kan berätta om du kommer.\n\n"
        "{url}\n\n"
        "Länken fungerar till och med {until}.\n"
        "Länken är bara för dig.\n"
        "Ge inte länken till andra.\n"
        "Om länken inte fungerar, be om en ny länk.\n"
    ),
    ("en", False): (
        "Hello {name},\n\n"
        "This link takes you to your own page. There you see your coming group sessions "
        "and other meetings, and can tell us for each one whether you can come.\n\n"
        "{url}\n\n"
        "The link works until {until}. It is for you alone: do not share it. "
        "If the link does not work, ask your worker for a new one.\n"
    ),
    ("en", True): (
        "Hello {name},\n\n"
        "Here is the link to your own page.\n"
        "On the page you see your meetings.\n"
        "You can tell us if you will come.\n\n"
        "{url}\n\n"
        "The link works until {until}.\n"
        "The link is only for you.\n"
        "Do not give the link to others.\n"
        "If the link does not work, ask for a new link.\n"
    ),
}

MONTHS_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def _language(language: str) -> str:
    return language if language in _SUBJECT else "fi"


def _day(language: str, day: date) -> str:
    if language == "en":
        return f"{day.day} {MONTHS_EN[day.month - 1]} {day.year}"
    return f"{day.day}.{day.month}.{day.year}"


def sms_text(language: str, plain: bool, first_name: str, url: str) -> str:
    """One SMS: the fullest variant that fits in 160 GSM-7 characters, the link whole."""
    name = gsm7(first_name).strip()
    variants = _SMS[(_language(language), plain)]
    text = ""
    for variant in variants:
        text = gsm7(variant.format(name=name, url=url))
        if gsm7_length(text) <= SMS_LENGTH:
            return text
    return gsm7(url)  # a link too long for any words: the link alone still works


def email_text(language: str, plain: bool, first_name: str, url: str, until: date) -> Text:
    """The e-mail: what the page is, the link, how long it works, and to keep it."""
    language = _language(language)
    body = _EMAIL[(language, plain)].format(name=first_name, url=url, until=_day(language, until))
    return Text(subject=_SUBJECT[language], body=body)
