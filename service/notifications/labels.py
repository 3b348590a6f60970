"""Words Polku writes into messages itself rather than taking from a template: a
referral's status in Finnish, and a coaching meeting's title in each client language."""

from __future__ import annotations

REFERRAL_STATUS_FI = {
    "requested": "lähetetty",
    "received": "vastaanotettu",
    "accepted": "hyväksytty",
    "rejected": "hylätty",
    "in-progress": "aloitettu",
    "on-hold": "tauolla",
    "completed": "päättynyt",
    "cancelled": "peruttu",
    "failed": "ei toteutunut",
}

MEETING_TITLE = {"fi": "Valmennustapaaminen", "sv": "Coachningsträff", "en": "Coaching meeting"}
