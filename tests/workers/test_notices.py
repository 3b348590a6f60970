"""The referrer hears by e-mail when someone else moves their referral; the e-mail
names no client."""

from __future__ import annotations

from httpx import AsyncClient

from service.base.settings import Settings
from tests.api.referrals import county_and_ngo, move, refer
from tests.factories import Factory
from tests.mail import MailServer
from tests.workers.test_messages import run_worker


async def test_the_referrer_gets_an_email_naming_no_client(
    api: AsyncClient, make: Factory, worker_settings: Settings, mail_server: MailServer
) -> None:
    setting = await county_and_ngo(api, make)
    made = await refer(api, setting.worker, setting.client_id, programme_id=setting.programme["id"])
    await move(api, setting.coach, made.json()["id"], "received")
    await move(api, setting.worker, made.json()["id"], "cancelled")  # their own move: no e-mail
    await run_worker(worker_settings)
    [notice] = mail_server.mailbox.to(setting.worker.email)
    assert notice["Subject"] == "Polku: lähete vastaanotettu / referral received"
    text = notice.get_body(("plain",)).get_content()
    assert "Arjen taidot" in text
    assert made.json()["id"] in text
    client = made.json()["client"]
    assert client["first_name"] not in text and client["last_name"] not in text
    assert len(mail_server.mailbox.messages) == 1
