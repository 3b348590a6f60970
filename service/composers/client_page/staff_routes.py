"""HTTP routes of the client's page for staff, besides giving the link: sending it by
SMS or e-mail, and excusing the absences the clients announced on their page."""

from __future__ import annotations

from litestar import post
from litestar.di import NamedDependency
from litestar.params import JSONBody

from service.base.http import Conn, PathId, api_router
from service.base.identity import CurrentActor
from service.base.problems import problems
from service.base.settings import Settings
from service.composers.client_page import excusing, page_link_send
from service.composers.client_page.excusing import ExcusedAttendance
from service.composers.client_page.page_link_send import PageLinkSendIn, PageLinkSent

AppSettings = NamedDependency[Settings]


@post(
    "/clients/{client_id:str}/page-link/send",
    status_code=202,
    responses=problems(401, 403, 404, 409, 422),
    summary="Send the client a new link to their page by SMS or e-mail",
    description=(
        "A new link (any earlier one stops working at once) goes to the client on the "
        "channel they consented to (`sms_reminders` or `email_reminders`), in their "
        "language and in plain language when set; an SMS waits out the client's night. "
        "409 without a valid `client_page` consent or the channel's consent, 422 when the "
        "client has no phone number or e-mail address for it. The link itself is not shown."
    ),
)
async def send_page_link(
    client_id: PathId,
    data: JSONBody[PageLinkSendIn],
    conn: Conn,
    actor: CurrentActor,
    settings: AppSettings,
) -> PageLinkSent:
    """Send the client a new link to their page by SMS or e-mail.

    On a consented channel, in the client's language; any earlier link stops working.
    """
    return await page_link_send.send_link(conn, settings, actor, client_id, data.channel)


@post(
    "/sessions/{session_id:str}/attendance/excuse-answered",
    status_code=200,
    responses=problems(401, 403, 404, 409),
    summary="Mark excused the absences clients announced on their page before the session",
    description=(
        'Every client in your reach whose latest answer was "I can\'t come", given before '
        "the session started, and who is not recorded as present or remote, becomes "
        "`excused`; other records stay. Answers the attendance with the clients' answers "
        "and the ids excused now."
    ),
)
async def excuse_answered(session_id: PathId, conn: Conn, actor: CurrentActor) -> ExcusedAttendance:
    """Mark excused the absences clients announced on their page.

    For a session that was held: those who answered "not coming" beforehand and have
    no record yet.
    """
    return await excusing.excuse_answered(conn, actor, session_id)


routers = [
    api_router("clients", [send_page_link]),
    api_router("programmes", [excuse_answered]),
]
