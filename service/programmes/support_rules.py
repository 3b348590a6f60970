"""Participant support in euros: exact decimals from the first byte to the last.

An amount comes in as a JSON string ("12.50") or number (12.5), which the request
decoder reads straight into a `Decimal` from its text, so 2.675 arrives as 2.675 and
never as the float 2.67499999…; it is stored as numeric(10,2), summed by PostgreSQL
and answered as a string with two decimals. Nothing on the way is a float.

Pure functions: the routes and the tests call them without a database.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from service.base.errors import InvalidInput

CENT = Decimal("0.01")
LARGEST = Decimal("1000.00")  # one entry; a larger cost is not a ticket or a meal
KINDS = ("bus_ticket", "ride", "taxi", "meal", "other")


def euros(amount: Decimal, field: str = "amount_eur") -> Decimal:
    """The amount as cents exactly (two decimals), or a 422 naming `field`: a number,
    not negative, at most 1000.00, with no more than two decimals (2.675 is refused,
    not rounded; 2.670 is 2.67)."""
    try:
        if not amount.is_finite():
            raise InvalidInput(field, "must be a number of euros such as 12.50")
        if amount < 0:
            raise InvalidInput(field, "must not be negative")
        if amount > LARGEST:
            raise InvalidInput(field, f"must be at most {LARGEST} euros")
        exact = amount.quantize(CENT)
    except InvalidOperation as error:
        raise InvalidInput(field, "must be a number of euros such as 12.50") from error
    if exact != amount:
        raise InvalidInput(field, "must have at most two decimals (cents)")
    return exact


def as_text(amount: Decimal) -> str:
    """An amount for an answer: always two decimals, "12.50", "0.00"."""
    return str(amount.quantize(CENT))


def excel_text(amount: Decimal) -> str:
    """An amount for a CSV that Excel with Finnish settings opens: a decimal comma."""
    return as_text(amount).replace(".", ",")


def initials_name(first_name: str, last_name: str) -> str:
    """How a list names a participant: first name and surname initial ("Aino K.")."""
    initial = last_name.strip()[:1]
    return f"{first_name} {initial}." if initial else first_name
