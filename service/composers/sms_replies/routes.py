"""The SMS gateway's callback: POST /api/v1/sms/inbound, signed by the gateway rather
than signed in by a person."""

from __future__ import annotations

from typing import Any

from litestar import Request, post
from litestar.params import JSONBody

from service.base.errors import Unauthorized
from service.base.http import Conn, api_router, refuse_nul_characters
from service.base.problems import problems
from service.composers.sms_replies import handling
from service.composers.sms_replies.signature import HEADER, is_signed
from service.composers.sms_replies.types import InboundOut, InboundSms


async def signed_by_the_gateway(request: Request[Any, Any, Any]) -> None:
    """Before the body is read as JSON: a reply without the gateway's signature is
    refused whatever it holds, and so is any while no secret is set."""
    secret = request.app.state.settings.sms_inbound_secret
    if secret is None or not is_signed(secret, await request.body(), request.headers.get(HEADER)):
        raise Unauthorized("missing or wrong X-Polku-Signature")
    await refuse_nul_characters(request)


@post(
    "/sms/inbound",
    status_code=200,
    before_request=signed_by_the_gateway,
    responses=problems(401, 422),
    summary="The SMS gateway hands over a reply (signed with SMS_INBOUND_SECRET)",
    description=(
        "Header `X-Polku-Signature: sha256=<hex HMAC-SHA256 of the raw body>`. The same "
        "gateway `id` twice is handled once (`duplicate`)."
    ),
)
async def inbound_sms(
    data: JSONBody[InboundSms], conn: Conn, request: Request[Any, Any, Any]
) -> InboundOut:
    """The SMS gateway hands over a reply.

    Signed with SMS_INBOUND_SECRET (X-Polku-Signature); answers how the reply was
    handled: an RSVP, an opt-out, forwarded to the responsible workers, unknown or a
    duplicate.
    """
    request_id = request.scope.get("state", {}).get("request_id")
    return InboundOut(handled_as=await handling.handle(conn, data, request_id))


routers = [api_router("sms", [inbound_sms], public=True)]
