"""HTTP routes of data rights: the client's export and their access requests."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Literal

from litestar import Response, get, post
from litestar.enums import MediaType
from litestar.openapi.spec import Example, OpenAPIMediaType, Operation, Schema
from litestar.openapi.spec.enums import OpenAPIType
from litestar.params import FromQuery, JSONBody, QueryParameter

from service.base.fields import Language
from service.base.http import Conn, PathId, api_router
from service.base.identity import CurrentActor
from service.base.pagination import Cursor, Limit, Page
from service.base.problems import problems
from service.composers.export import access_requests, export, page
from service.composers.export.rules import RequestStatus
from service.composers.export.types import (
    AccessRequestIn,
    AccessRequestList,
    AccessRequestOut,
    AnsweredRequest,
    ClientExport,
)

ExportFormat = Annotated[
    Literal["json", "html"],
    QueryParameter(
        description="json (the documented schema, docs/export.md) or html (a printable page)",
        examples=[Example(value="html")],
    ),
]


@dataclass
class ExportOperation(Operation):
    """The export answers JSON (its schema) or, with format=html, a page: the document
    says so, content type by content type."""

    def __post_init__(self) -> None:
        answer = (self.responses or {}).get("200")
        content = getattr(answer, "content", None)
        if content and "application/json" in content:
            either = content["application/json"].schema
            document = getattr(either, "one_of", None) or [either]
            content["application/json"] = OpenAPIMediaType(schema=document[0])
            content["text/html"] = OpenAPIMediaType(schema=Schema(type=OpenAPIType.STRING))


@get(
    "/clients/{client_id:str}/export",
    operation_class=ExportOperation,
    responses=problems(401, 403, 404, 422),
    summary="Everything Polku holds on the client, the access log included (admins)",
    description="`?format=html` gives a printable page in the client's language "
    "(`lang` switches). Every export is audited.",
)
async def client_export(
    client_id: PathId,
    conn: Conn,
    actor: CurrentActor,
    format: ExportFormat = "json",
    lang: FromQuery[Language | None] = None,
) -> Response[ClientExport | str]:
    document = await export.export(conn, actor, client_id, purpose=format)
    if format == "html":
        return Response(page.render(document, lang), media_type=MediaType.HTML)
    return Response(document)


@post(
    "/clients/{client_id:str}/access-requests",
    responses=problems(401, 404, 422),
    summary="The client asked what is held on them: due one calendar month on",
)
async def record_access_request(
    client_id: PathId, data: JSONBody[AccessRequestIn], conn: Conn, actor: CurrentActor
) -> AccessRequestOut:
    return await access_requests.record(conn, actor, client_id, data)


@get(
    "/clients/{client_id:str}/access-requests",
    responses=problems(401, 404),
    summary="The client's access requests, newest first, and whether each is answered",
)
async def client_access_requests(
    client_id: PathId, conn: Conn, actor: CurrentActor
) -> AccessRequestList:
    return await access_requests.client_requests(conn, actor, client_id)


@get(
    "/access-requests",
    responses=problems(401, 403, 422),
    summary="Your organisation's access requests by due day (admins): open, late, answered",
)
async def list_access_requests(
    conn: Conn,
    actor: CurrentActor,
    status: FromQuery[RequestStatus | None] = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> Page[AccessRequestOut]:
    return await access_requests.list_requests(
        conn, actor, status=status, limit=limit, cursor=cursor
    )


@post(
    "/access-requests/{access_request_id:str}/answer",
    status_code=200,
    responses=problems(401, 403, 404, 409),
    summary="Answer an access request with the export (admins of the client's organisation)",
)
async def answer_access_request(
    access_request_id: PathId, conn: Conn, actor: CurrentActor
) -> AnsweredRequest:
    return await access_requests.answer(conn, actor, access_request_id)


routers = [
    api_router(
        "data-rights",
        [
            client_export,
            record_access_request,
            client_access_requests,
            list_access_requests,
            answer_access_request,
        ],
    )
]
