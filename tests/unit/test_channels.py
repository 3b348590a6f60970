"""Building e-mail, without a server."""

from __future__ import annotations

from service.notifications.channels import Email, build_email

MESSAGE_ID = "0b6f2f7e-3c1a-4d2e-9a53-5d6c1f0e8a11"


def test_every_try_at_a_message_carries_the_same_message_id() -> None:
    for to in ["anna@example.org", "jörö.mäkinen@example.org"]:
        email = Email(to=to, to_name="Anna", subject="Muistutus", text="Huomenna klo 10.")
        tries = [build_email(email, sender="Polku <polku@polku.test>", message_id=MESSAGE_ID)]
        tries.append(build_email(email, sender="Polku <polku@polku.test>", message_id=MESSAGE_ID))
        assert {str(t["Message-ID"]) for t in tries} == {f"<{MESSAGE_ID}@polku>"}
