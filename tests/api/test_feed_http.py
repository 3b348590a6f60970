"""A feed over HTTP as calendar apps fetch it (issue 16, point 9): HEAD, conditional
requests with any If-None-Match, gzip when the client takes it, and an OpenAPI document
that says so."""

from __future__ import annotations

import asyncio
import gzip
from typing import Any

import pytest
from httpx import AsyncClient, Response
from litestar import Litestar

from service.composers.feeds import serving
from service.composers.feeds.cache import GZIP_MIN_BYTES, RenderedFeed
from tests.api.test_calendar import client_in_group, new_link
from tests.factories import Factory

PLAIN = {"Accept-Encoding": "identity"}
GZIP = {"Accept-Encoding": "gzip"}
# What HEAD must answer as GET does.
SAME = ["etag", "content-type", "content-length", "content-encoding", "vary", "cache-control"]


async def group_feed(api: AsyncClient, make: Factory) -> str:
    """A client's feed of an eight-week group: a few kilobytes."""
    coach, _, client_id = await client_in_group(api, make)
    return await new_link(api, coach, client_id)


async def empty_feed(api: AsyncClient, make: Factory) -> str:
    coach = await make.staff("coach")
    client_id = await make.client(coach, first_name="Anna")
    await make.consent(client_id, "calendar_feed", coach)
    return await new_link(api, coach, client_id)


async def raw(api: AsyncClient, path: str, headers: dict[str, str]) -> tuple[Response, bytes]:
    """The answer, and its body as sent (httpx would decompress it)."""
    async with api.stream("GET", path, headers=headers) as response:
        body = b"".join([chunk async for chunk in response.aiter_raw()])
    return response, body


def _same(response: Response) -> dict[str, str | None]:
    return {name: response.headers.get(name) for name in SAME}


@pytest.mark.parametrize("encoding", [PLAIN, GZIP])
async def test_head_answers_as_get_without_a_body(
    api: AsyncClient, make: Factory, encoding: dict[str, str]
) -> None:
    path = await group_feed(api, make)
    got, body = await raw(api, path, encoding)
    head = await api.head(path, headers=encoding)
    assert (head.status_code, head.content) == (200, b"")
    assert _same(head) == _same(got)
    assert head.headers["content-length"] == str(len(body))
    assert head.headers["content-type"] == "text/calendar; charset=utf-8"

    unchanged = await api.head(path, headers={**encoding, "If-None-Match": got.headers["etag"]})
    assert (unchanged.status_code, unchanged.content) == (304, b"")
    assert unchanged.headers["etag"] == got.headers["etag"]

    for unknown in ("/feeds/pf_nothing.ics", "/feeds/pf_nothing"):
        missing_get = await api.get(unknown)
        missing = await api.head(unknown)
        assert (missing.status_code, missing.content) == (404, b"")
        assert missing.headers["content-type"] == "application/problem+json"
        assert missing.headers["content-length"] == str(len(missing_get.content))


@pytest.mark.parametrize(
    "if_none_match",
    ["{etag}", "W/{etag}", '"older", W/{etag}', 'W/"older",{etag} , "oldest"', "*"],
)
async def test_any_if_none_match_naming_the_feed_is_304(
    api: AsyncClient, make: Factory, if_none_match: str
) -> None:
    path = await group_feed(api, make)
    for encoding in (PLAIN, GZIP):
        first, _ = await raw(api, path, encoding)
        etag = first.headers["etag"]
        again = await api.get(
            path, headers={**encoding, "If-None-Match": if_none_match.format(etag=etag)}
        )
        assert (again.status_code, again.content) == (304, b"")
        assert again.headers["etag"] == etag
        assert again.headers["vary"] == "Accept-Encoding"
        assert again.headers["cache-control"] == "private, no-cache"


async def test_an_if_none_match_over_several_lines_is_one_list(
    api: AsyncClient, make: Factory
) -> None:
    path = await group_feed(api, make)
    first, _ = await raw(api, path, GZIP)
    lines = [("If-None-Match", '"older"'), ("If-None-Match", first.headers["etag"])]
    again = await api.get(
        path, headers=[("Accept-Encoding", "br"), ("Accept-Encoding", "gzip"), *lines]
    )
    assert again.status_code == 304


@pytest.mark.parametrize(
    "if_none_match", ['"older"', 'W/"older", "oldest"', "{bare}", '"{bare}-gzip"', "nonsense ,,"]
)
async def test_an_if_none_match_naming_something_else_gets_the_feed(
    api: AsyncClient, make: Factory, if_none_match: str
) -> None:
    path = await group_feed(api, make)
    first, body = await raw(api, path, PLAIN)
    bare = first.headers["etag"].strip('"')
    again, again_body = await raw(
        api, path, {**PLAIN, "If-None-Match": if_none_match.format(bare=bare)}
    )
    assert (again.status_code, again_body) == (200, body)


async def test_a_feed_of_a_few_kilobytes_goes_gzipped_to_whoever_takes_it(
    api: AsyncClient, make: Factory
) -> None:
    path = await group_feed(api, make)
    plain, body = await raw(api, path, PLAIN)
    assert len(body) >= GZIP_MIN_BYTES
    assert "content-encoding" not in plain.headers
    assert plain.headers["vary"] == "Accept-Encoding"

    packed, packed_body = await raw(api, path, {"Accept-Encoding": "gzip, deflate, br"})
    assert packed.headers["content-encoding"] == "gzip"
    assert packed.headers["vary"] == "Accept-Encoding"
    assert gzip.decompress(packed_body) == body
    assert len(packed_body) < len(body) / 2
    assert packed.headers["etag"] not in (plain.headers["etag"], f"W/{plain.headers['etag']}")
    # The copy the client holds is in the other encoding: the feed, not a 304.
    crossed, _ = await raw(api, path, {**GZIP, "If-None-Match": plain.headers["etag"]})
    assert crossed.status_code == 200
    again, again_body = await raw(api, path, GZIP)
    assert (again.headers["etag"], again_body) == (packed.headers["etag"], packed_body)

    for refused in ("gzip;q=0", "identity", "br", "*;q=0"):
        answer, answer_body = await raw(api, path, {"Accept-Encoding": refused})
        assert "content-encoding" not in answer.headers, refused
        assert answer_body == body


async def test_a_small_feed_goes_as_it_is(api: AsyncClient, make: Factory) -> None:
    path = await empty_feed(api, make)
    answer, body = await raw(api, path, GZIP)
    assert answer.status_code == 200
    assert len(body) < GZIP_MIN_BYTES
    assert "content-encoding" not in answer.headers
    assert body.startswith(b"BEGIN:VCALENDAR")


async def test_apps_that_find_a_feed_dropped_wait_for_one_rendering_of_it(
    app: Litestar, api: AsyncClient, make: Factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Calendar apps polling one feed just after it was dropped (a change, its time up)
    get it rendered once, not once each."""
    path = await group_feed(api, make)
    renderings = 0
    render = serving.render_feed

    async def counted(*args: Any) -> RenderedFeed:
        nonlocal renderings
        renderings += 1
        return await render(*args)

    monkeypatch.setattr(serving, "render_feed", counted)
    app.state.feed_cache.invalidate()
    answers = await asyncio.gather(*(api.get(path, headers=PLAIN) for _ in range(20)))
    assert [answer.status_code for answer in answers] == [200] * 20
    assert len({answer.content for answer in answers}) == 1
    assert renderings == 1


async def test_the_openapi_document_says_what_a_feed_answers(api: AsyncClient) -> None:
    document: dict[str, Any] = (await api.get("/schema/openapi.json")).json()
    operations = document["paths"]["/feeds/{filename}"]
    assert {"get", "head"} <= set(operations)
    for method in ("get", "head"):
        operation = operations[method]
        headers = {p["name"] for p in operation["parameters"] if p["in"] == "header"}
        assert {"If-None-Match", "Accept-Encoding"} <= headers
        responses = operation["responses"]
        assert "text/calendar" in responses["200"]["content"]
        assert {"ETag", "Vary", "Content-Encoding", "Cache-Control"} <= set(
            responses["200"]["headers"]
        )
        assert "content" not in responses["304"]
        assert "application/problem+json" in responses["404"]["content"]
