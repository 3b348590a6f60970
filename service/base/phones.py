"""Phone numbers as the SMS gateway writes them (E.164: +358401234567).

The same rule as the database's phone_e164() (migration 0026), which indexes the
clients' numbers: spaces, brackets, dots and dashes go; a leading 00 is the
international prefix; a leading 0 is a Finnish local number; bare digits already carry
their country code, as many gateways send them."""

from __future__ import annotations

import re

_SEPARATORS = re.compile(r"[\s().-]")
_E164 = re.compile(r"\+[1-9][0-9]{6,14}")
FINLAND = "+358"


def e164(phone: str) -> str | None:
    """The number in E.164, or None when it is no phone number."""
    digits = _SEPARATORS.sub("", phone)
    if digits.startswith("+"):
        number = digits
    elif digits.startswith("00"):
        number = "+" + digits[2:]
    elif digits.startswith("0"):
        number = FINLAND + digits[1:]
    else:
        number = "+" + digits
    return number if _E164.fullmatch(number) else None
