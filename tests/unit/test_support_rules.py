"""Euros for participant support: exact cents, refused by name, never rounded."""

from __future__ import annotations

from decimal import Decimal

import pytest

from service.base.errors import InvalidInput
from service.programmes.support_rules import as_text, euros, excel_text, initials_name


@pytest.mark.parametrize(
    ("given", "kept"),
    [("0", "0.00"), ("0.1", "0.10"), ("2.670", "2.67"), ("1000", "1000.00"), ("1E+2", "100.00")],
)
def test_amounts_keep_their_cents(given: str, kept: str) -> None:
    assert as_text(euros(Decimal(given))) == kept


@pytest.mark.parametrize(
    "given", ["2.675", "0.001", "-0.01", "1000.01", "NaN", "sNaN", "Infinity", "1E+9", "1E-30"]
)
def test_anything_else_is_refused_naming_the_field(given: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        euros(Decimal(given))
    assert [error.field for error in refused.value.errors] == ["amount_eur"]


def test_sums_of_cents_do_not_drift() -> None:
    assert sum((euros(Decimal("0.10")), euros(Decimal("0.20"))), Decimal(0)) == Decimal("0.30")
    assert excel_text(Decimal("3.3")) == "3,30"


def test_a_participant_is_named_by_first_name_and_initial() -> None:
    assert initials_name("Aino", "Kallio") == "Aino K."
    assert initials_name("Aino", " ") == "Aino"
