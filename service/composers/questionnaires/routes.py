"""HTTP routes of questionnaires and their rounds."""

from __future__ import annotations

from typing import Annotated

from litestar import get, post
from litestar.params import JSONBody, QueryParameter

from service.base.http import Conn, PathId, api_router
from service.base.identity import CurrentActor
from service.base.pagination import Cursor, Limit, Page
from service.base.problems import problems
from service.composers.questionnaires import catalogue, rounds
from service.composers.questionnaires.definitions import Questionnaire
from service.composers.questionnaires.types import (
    AnswersIn,
    AnswersOut,
    RoundIn,
    RoundOut,
    RoundResults,
)


@get("/questionnaires", responses=problems(401, 422), summary="Questionnaires")
async def list_questionnaires(
    conn: Conn,
    actor: CurrentActor,
    every_version: Annotated[
        bool, QueryParameter(description="Also the older versions, not just the newest")
    ] = False,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> Page[Questionnaire]:
    return await catalogue.list_questionnaires(
        conn, every_version=every_version, limit=limit, cursor=cursor
    )


@post(
    "/questionnaires",
    responses=problems(401, 403, 409, 422),
    summary="Add a questionnaire or a new version of one (admins)",
)
async def add_questionnaire(
    data: JSONBody[Questionnaire], conn: Conn, actor: CurrentActor
) -> Questionnaire:
    return await catalogue.add_questionnaire(conn, actor, data)


@post(
    "/programmes/{programme_id:str}/questionnaire-rounds",
    responses=problems(401, 403, 404, 422),
    summary="Open a questionnaire round for the programme (its facilitators and admins)",
)
async def open_round(
    programme_id: PathId, data: JSONBody[RoundIn], conn: Conn, actor: CurrentActor
) -> RoundOut:
    return await rounds.open_round(conn, actor, programme_id, data)


@get(
    "/programmes/{programme_id:str}/questionnaire-rounds",
    responses=problems(401, 404, 422),
    summary="The programme's questionnaire rounds",
)
async def list_rounds(
    programme_id: PathId, conn: Conn, actor: CurrentActor, limit: Limit = 50, cursor: Cursor = None
) -> Page[RoundOut]:
    return await rounds.list_rounds(conn, programme_id, limit=limit, cursor=cursor)


@post(
    "/questionnaire-rounds/{round_id:str}/answers",
    status_code=200,
    responses=problems(401, 403, 404, 409, 422),
    summary="A participating staff member's answers: changeable until the round closes, "
    "unless it is anonymous",
)
async def answer_round(
    round_id: PathId, data: JSONBody[AnswersIn], conn: Conn, actor: CurrentActor
) -> AnswersOut:
    return await rounds.answer_as_staff(conn, actor, round_id, data.answers)


@get(
    "/questionnaire-rounds/{round_id:str}/results",
    responses=problems(401, 403, 404),
    summary="Per item and role: answers, distribution, mean; cells under 5 suppressed",
)
async def round_results(round_id: PathId, conn: Conn, actor: CurrentActor) -> RoundResults:
    return await rounds.results(conn, actor, round_id)


routers = [
    api_router("questionnaires", [list_questionnaires, add_questionnaire]),
    api_router("questionnaires", [open_round, list_rounds]),
    api_router("questionnaires", [answer_round]),
    api_router("questionnaires", [round_results]),
]
