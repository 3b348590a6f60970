"""Building e-mail, without a server: what a mail program reads back from the bytes."""

from __future__ import annotations

import email
from email import policy
from email.message import EmailMessage

import pytest

from service.notifications.mail_format import Email, build_email

MESSAGE_ID = "0b6f2f7e-3c1a-4d2e-9a53-5d6c1f0e8a11"
SENDER = "Polku – Järvimaan tuki <polku@polku.test>"


def read_back(data: bytes) -> EmailMessage:
    message = email.message_from_bytes(data, policy=policy.default)
    assert isinstance(message, EmailMessage)
    return message


def test_every_try_at_a_message_carries_the_same_message_id() -> None:
    for to in ["anna@example.org", "jörö.mäkinen@example.org"]:
        mail = Email(to=to, to_name="Anna", subject="Muistutus", text="Huomenna klo 10.")
        tries = [build_email(mail, sender=SENDER, message_id=MESSAGE_ID) for _ in range(2)]
        assert {read_back(t.data)["Message-ID"] for t in tries} == {f"<{MESSAGE_ID}@polku>"}


@pytest.mark.parametrize(
    "name",
    ["Anna Asiakas", "Åsa Öhman-Äyräpää", 'Anna "Ansku" Asiakas', "Anna\r\nBcc: x@evil.example"],
)
def test_names_and_subjects_read_back_as_written(name: str) -> None:
    subject = "Muistutus: Arjen taidot huomenna klo 10.00–12.00, Kohtaamispaikka " * 2
    mail = Email(to="anna@example.org", to_name=name, subject=subject, text="Hei 😊\nTervetuloa!")
    envelope = build_email(mail, sender=SENDER, message_id=MESSAGE_ID)
    assert (envelope.sender, envelope.recipient) == ("polku@polku.test", "anna@example.org")
    assert all(len(line) <= 78 for line in envelope.data.split(b"\r\n"))
    message = read_back(envelope.data)
    assert message["To"].addresses[0].display_name == " ".join(name.split())
    assert message["To"].addresses[0].addr_spec == "anna@example.org"
    assert message["Bcc"] is None
    assert message["From"].addresses[0].display_name == "Polku – Järvimaan tuki"
    assert message["Subject"] == subject.strip()
    assert message.get_content().splitlines() == ["Hei 😊", "Tervetuloa!"]
    raw_text = message.get_payload(decode=True)
    assert raw_text == "Hei 😊\r\nTervetuloa!".encode()  # canonical CRLF inside the base64


def test_an_invite_is_text_with_a_calendar_alternative() -> None:
    calendar = (
        b"BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nSUMMARY:Arjen taidot \xc3\xa4\r\nEND:VCALENDAR\r\n"
    )
    mail = Email(
        to="anna@example.org",
        to_name="Anna",
        subject="Kutsu",
        text="Tervetuloa",
        calendar=calendar,
        method="REQUEST",
    )
    data = build_email(mail, sender=SENDER, message_id=MESSAGE_ID).data
    assert all(len(line) <= 78 for line in data.split(b"\r\n"))
    message = read_back(data)
    assert message.get_content_type() == "multipart/alternative"
    text, invite = message.iter_parts()
    assert text.get_content().strip() == "Tervetuloa"
    assert invite.get_content_type() == "text/calendar"
    assert invite.get_param("method") == "REQUEST"
    assert invite.get_content_charset() == "utf-8"
    assert invite.get_payload(decode=True) == calendar


def test_a_sender_address_outside_ascii_goes_as_smtputf8() -> None:
    mail = Email(to="anna@example.org", to_name="Anna", subject="Hei\r\nBcc: x", text="Hei")
    envelope = build_email(mail, sender="Polku <pölkü@polku.test>", message_id=MESSAGE_ID)
    assert envelope.smtputf8
    message = read_back(envelope.data)
    assert message["Subject"] == "Hei Bcc: x"
    assert message["Bcc"] is None
