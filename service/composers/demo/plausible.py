"""Plausible Finnish details that the demo and the benchmark generator (bench/generate.py)
both make: how a person's name becomes an e-mail address, and what an eight-week group
talks about from week to week."""

from __future__ import annotations

# The themes of an eight-week group, one a week.
GROUP_THEMES = [
    "Tutustuminen",
    "Terveys ja arki",
    "Vapaa-aika",
    "Vahvuudet",
    "Työelämävierailu",
    "CV",
    "Tulevaisuuden suunnitelmat",
    "Päätös",
]

_TO_ASCII = str.maketrans("äöåé", "aoae")


def email_address(first: str, last: str, domain: str, number: int | None = None) -> str:
    """How Finnish names usually become e-mail addresses: Jari Mäkinen → jari.makinen@…;
    `number` tells apart namesakes (jari.makinen.7@…)."""
    local = f"{first}.{last}" if number is None else f"{first}.{last}.{number}"
    return f"{local}@{domain}".lower().translate(_TO_ASCII)
