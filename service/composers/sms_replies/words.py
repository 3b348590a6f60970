"""What a client's SMS reply means, in Finnish, Swedish or English. Pure functions.

Only a reply that is nothing but one of these words counts: any case, with spaces,
punctuation or an emoji around it ("Joo!", " k ", "Yes 👍"). Anything else is a message
for a person, never guessed at."""

from __future__ import annotations

from typing import Literal

Meaning = Literal["coming", "not_coming", "opt_out", "message"]

COMING = frozenset({"k", "kyllä", "kylla", "joo", "j", "ja", "y", "yes"})
NOT_COMING = frozenset({"e", "ei", "n", "nej", "no"})
OPT_OUT = frozenset({"stop", "lopeta", "sluta"})


def meaning(text: str) -> Meaning:
    word = _bare(text).casefold()
    if word in COMING:
        return "coming"
    if word in NOT_COMING:
        return "not_coming"
    if word in OPT_OUT:
        return "opt_out"
    return "message"


def _bare(text: str) -> str:
    """`text` without whatever is not a letter or a digit at either end."""
    start, end = 0, len(text)
    while start < end and not text[start].isalnum():
        start += 1
    while end > start and not text[end - 1].isalnum():
        end -= 1
    return text[start:end]
