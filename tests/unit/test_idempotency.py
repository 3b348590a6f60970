"""What makes two requests the same, and which keys are taken."""

from __future__ import annotations

import pytest

from service.base.errors import InvalidInput
from service.base.idempotency import canonical_body, check_key, key_digest, request_digest

BODY = b'{"first_name": "Aino", "tags": [2, 1], "nested": {"b": 1, "a": null}}'


@pytest.mark.parametrize(
    "key", ["a", "550e8400-e29b-41d4-a716-446655440000", "x" * 255, "with inner space", "~!"]
)
def test_printable_ascii_keys_up_to_255_characters_are_taken(key: str) -> None:
    assert check_key(key) == key


@pytest.mark.parametrize(
    "key", ["", "x" * 256, " lead", "trail ", "tab\there", "nul\x00", "del\x7f", "ä", "€"]
)
def test_other_keys_are_refused_naming_the_header(key: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        check_key(key)
    assert [error.field for error in refused.value.errors] == ["Idempotency-Key"]


def test_json_bodies_compare_by_content_not_by_spelling() -> None:
    respelled = b'{ "nested":{"a":null,"b":1},\n "tags":[2,1], "first_name":"Aino" }'
    assert canonical_body(respelled) == canonical_body(BODY)
    assert canonical_body(b'{"tags": [1, 2]}') != canonical_body(b'{"tags": [2, 1]}')
    assert canonical_body(b'{"n": 1}') != canonical_body(b'{"n": "1"}')


def test_bodies_that_are_not_json_compare_as_bytes() -> None:
    for body in [b"", b"not json", b"\xff\xfe", b"[" * 100_000]:
        assert canonical_body(body) == body


def test_the_request_digest_covers_method_path_query_and_body() -> None:
    def digest(
        method: str = "POST", path: str = "/a", query: bytes = b"", body: bytes = BODY
    ) -> bytes:
        return request_digest("key", method, path, query, body)

    assert digest() == digest(body=canonical_body(BODY))
    variants = {
        digest(),
        digest(method="PUT"),
        digest(path="/b"),
        digest(query=b"x=1"),
        digest(body=b"{}"),
        # Parts do not run into each other.
        digest(path="/a1", query=b""),
        digest(path="/a", query=b"1"),
        request_digest("other key", "POST", "/a", b"", BODY),
    }
    assert len(variants) == 8


def test_keys_are_kept_as_digests() -> None:
    assert key_digest("k") != b"k"
    assert len(key_digest("k")) == len(key_digest("x" * 255)) == 32
