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


@get(
    "/questionnaires",
    responses=problems(401, 422),
    summary="The questionnaires held, every version",
)
async def list_questionnaires(
    conn: Conn,
    actor: CurrentActor,
    every_version: Annotated[
        bool, QueryParameter(description="Also the older versions, not just the newest")
    ] = False,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> Page[Questionnaire]:
    """The questionnaires Polku holds, every version, in Finnish, Swedish and English.

    Two ship with Polku: a group-end feedback form and a co-development feedback form."""
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
    """Add a questionnaire, or a new version of one (admins).

    Items are `scale_1_5`, `yes_no` or `text`; a version already held answers 409."""
    return await catalogue.add_questionnaire(conn, actor, data)


@post(
    "/programmes/{programme_id:str}/questionnaire-rounds",
    responses=problems(401, 403, 404, 422),
    summary="Open a questionnaire round for the programme (its facilitators and admins)",
)
async def open_round(
    programme_id: PathId, data: JSONBody[RoundIn], conn: Conn, actor: CurrentActor
) -> RoundOut:
    """Open a questionnaire round for the programme.

    Its facilitators and the organisation's admins may; an anonymous round keeps no link
    from an answer to the person who gave it."""
    return await rounds.open_round(conn, actor, programme_id, data)


@get(
    "/programmes/{programme_id:str}/questionnaire-rounds",
    responses=problems(401, 404, 422),
    summary="The programme's questionnaire rounds",
)
async def list_rounds(
    programme_id: PathId, conn: Conn, actor: CurrentActor, limit: Limit = 50, cursor: Cursor = None
) -> Page[RoundOut]:
    """The programme's questionnaire rounds, newest first.

    Each says whether it is anonymous and whether it is open."""
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
    """A participating staff member's answers to a round.

    A named round's answers may be changed until it closes; an anonymous round takes one
    answer per person and never shows it back."""
    return await rounds.answer_as_staff(conn, actor, round_id, data.answers)


@get(
    "/questionnaire-rounds/{round_id:str}/results",
    responses=problems(401, 403, 404),
    summary="Per item and role: answers, distribution, mean; cells under 5 suppressed",
)
async def round_results(round_id: PathId, conn: Conn, actor: CurrentActor) -> RoundResults:
    """A round's results per item and role: answers, distribution and mean.

    Clients and staff are counted apart; any cell under five is suppressed, as in the
    reports, and text answers are listed only where five or more wrote one."""
    return await rounds.results(conn, actor, round_id)


routers = [
    api_router("questionnaires", [list_questionnaires, add_questionnaire]),
    api_router("questionnaires", [open_round, list_rounds]),
    api_router("questionnaires", [answer_round]),
    api_router("questionnaires", [round_results]),
]
