"""What a memo must not carry, since it is shared with the whole group: a client's full
name or a Finnish personal identity code (henkilötunnus). Pure rules, no I/O.

Names are compared word by word, case-insensitively and with diacritics stripped
("Äijälä" matches "aijala"), as first name and surname next to each other in either
order; a first name alone, or initials, pass. An identity code counts only when its
date exists and its check character is right, so a case number that merely looks
like one is not refused.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

# DDMMYY, the century sign, the individual number NNN, the check character.
HETU = re.compile(r"(?<![0-9A-Za-z])(\d{6})([-+A-FU-Y])(\d{3})([0-9A-Y])(?![0-9A-Za-z])")
CHECK_CHARACTERS = "0123456789ABCDEFHJKLMNPRSTUVWXY"
CENTURIES = {"+": 1800, "-": 1900, "U": 1900, "V": 1900, "W": 1900, "X": 1900, "Y": 1900}
CENTURIES.update(dict.fromkeys("ABCDEF", 2000))
_WORD = re.compile(r"\w+")


def hetu_check_character(digits: str) -> str:
    """The check character of DDMMYYNNN: the nine digits as a number, modulo 31."""
    return CHECK_CHARACTERS[int(digits) % 31]


def is_hetu(code: str) -> bool:
    """A well-formed personal identity code: a real date, the right check character."""
    match = HETU.fullmatch(code.upper())
    return match is not None and _valid(match)


def _valid(match: re.Match[str]) -> bool:
    birth, sign, individual, check = match.groups()
    try:
        date(CENTURIES[sign] + int(birth[4:6]), int(birth[2:4]), int(birth[0:2]))
    except ValueError:
        return False
    if not 2 <= int(individual) <= 999:
        return False
    return hetu_check_character(birth + individual) == check


def find_hetu(text: str) -> int | None:
    """Where the first identity code in the text starts, if there is one."""
    for match in HETU.finditer(text.upper()):
        if _valid(match):
            return match.start()
    return None


def plain_words(text: str) -> list[tuple[str, int]]:
    """The text's words folded (lower case, no diacritics), with where each starts."""
    words = []
    for match in _WORD.finditer(text):
        decomposed = unicodedata.normalize("NFKD", match.group().casefold())
        folded = "".join(c for c in decomposed if not unicodedata.combining(c))
        words.append((folded, match.start()))
    return words


@dataclass(frozen=True)
class Person:
    first_name: str
    last_name: str


def _name_sequences(person: Person) -> list[list[str]]:
    first = [w for w, _ in plain_words(person.first_name)]
    last = [w for w, _ in plain_words(person.last_name)]
    if not first or not last:
        return []
    sequences = [first + last, first[:1] + last, last + first, last + first[:1]]
    unique: list[list[str]] = []
    for sequence in sequences:
        if sequence not in unique:
            unique.append(sequence)
    return unique


def find_full_name(text: str, people: Iterable[Person]) -> int | None:
    """Where the first full name of these people in the text starts, if there is one."""
    words = plain_words(text)
    folded = [w for w, _ in words]
    found: list[int] = []
    for person in people:
        for sequence in _name_sequences(person):
            size = len(sequence)
            for i in range(len(folded) - size + 1):
                if folded[i : i + size] == sequence:
                    found.append(words[i][1])
                    break
    return min(found) if found else None


def memo_problem(text: str, people: Iterable[Person]) -> str | None:
    """Why the memo may not be stored as it is, or None. Says where, never what: the
    answer does not repeat a name or a code."""
    at = find_hetu(text)
    if at is not None:
        return (
            f"looks like a personal identity code at character {at + 1}; a memo is shared "
            "with the whole group, leave identity codes out"
        )
    at = find_full_name(text, people)
    if at is not None:
        return (
            f"contains the full name of a client in this group at character {at + 1}; a memo "
            "is shared with the whole group, use first names or initials"
        )
    return None
