"""The message that carries a one-time code to the client's own phone or e-mail, in
their language: plain (one thing per sentence), one SMS of GSM-7 characters at most,
and it says what to do if they did not ask for it. Pure functions."""

from __future__ import annotations

from service.notifications.render import Text

MINUTES = 10

_SMS = {
    "fi": "Polku-koodisi on {code}. Koodi toimii {minutes} minuuttia. "
    "Älä kerro koodia kenellekään. Jos et pyytänyt koodia, voit olla välittämättä viestistä.",
    "sv": "Din Polku-kod är {code}. Koden gäller i {minutes} minuter. "
    "Berätta inte koden för någon. Om du inte bad om koden kan du strunta i meddelandet.",
    "en": "Your Polku code is {code}. The code works for {minutes} minutes. "
    "Do not tell anyone the code. If you did not ask for a code, you can ignore this.",
}

_SUBJECT = {
    "fi": "Polku-koodisi",
    "sv": "Din Polku-kod",
    "en": "Your Polku code",
}


def _language(language: str) -> str:
    return language if language in _SMS else "fi"


def code_sms(language: str, code: str) -> str:
    return _SMS[_language(language)].format(code=code, minutes=MINUTES)


def code_email(language: str, code: str) -> Text:
    """The same words as an e-mail, one sentence a line."""
    sentences = code_sms(language, code).replace(". ", ".\n")
    return Text(subject=_SUBJECT[_language(language)], body=sentences + "\n")
