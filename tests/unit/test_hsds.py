"""Reading HSDS JSON and the flat CSV: what is kept, and every bad row named by line
and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from service.referrals.hsds import UnreadableFile, read_catalogue

FIXTURES = Path(__file__).parent.parent / "fixtures" / "hsds"


def test_hsds_json_services_with_their_organisation_contact_and_location() -> None:
    catalogue = read_catalogue(FIXTURES / "services.json")
    assert catalogue.problems == []
    (line, first), (_, second) = catalogue.services
    assert line == 2
    assert first.external_id == "jarvila-tyohonvalmennus"
    assert first.organisation_name == "Askel ry"
    assert first.categories == ["työllisyys", "valmennus"]
    assert first.eligibility == "Pitkään työttömänä olleet 18–64-vuotiaat"
    assert first.contact is not None and first.contact.phone == "+358 40 123 4567"
    assert first.location is not None
    assert (first.location.address, first.location.municipality) == (
        "Kauppakatu 1, 12345 Järvilä",
        "Järvilä",
    )
    assert (first.phone, first.schedule) == ("+358 40 765 4321", "ma–to 9–15")
    assert second.categories == ["päihteet", "terveys"]


def test_bad_json_records_are_named_by_line_and_field() -> None:
    catalogue = read_catalogue(FIXTURES / "broken.json")
    assert [s.external_id for _, s in catalogue.services] == ["ok-1"]
    assert [(p.line, p.field) for p in catalogue.problems] == [(7, "email"), (13, "name")]
    assert str(catalogue.problems[1]) == "line 13, name: missing"


def test_csv_with_semicolons_and_a_bom_as_excel_saves_it(tmp_path: Path) -> None:
    catalogue = read_catalogue(FIXTURES / "services.csv")
    assert [(line, s.name) for line, s in catalogue.services] == [
        (2, "Vertaisryhmä"),
        (4, "Lopetettu palvelu"),
    ]
    first = catalogue.services[0][1]
    assert first.categories == ["vertaistuki", "ryhmät"]
    assert first.contact is not None and first.contact.email == "ryhma@askel.example"
    assert catalogue.services[1][1].status == "inactive"
    assert [(p.line, p.field) for p in catalogue.problems] == [(3, "name")]


def test_problems_a_whole_file_can_have(tmp_path: Path) -> None:
    unknown = tmp_path / "unknown.csv"
    unknown.write_text("id,name,colour\n1,A,red\n", encoding="utf-8")
    with pytest.raises(UnreadableFile, match="unknown CSV columns: colour"):
        read_catalogue(unknown)
    broken = tmp_path / "broken.json"
    broken.write_text('[{"id": "a", ', encoding="utf-8")
    with pytest.raises(UnreadableFile, match="not valid JSON"):
        read_catalogue(broken)
    latin = tmp_path / "latin.csv"
    latin.write_bytes("id,name\n1,Hyvä\n".encode("latin-1"))
    with pytest.raises(UnreadableFile, match="not UTF-8"):
        read_catalogue(latin)
    repeated = tmp_path / "repeated.csv"
    repeated.write_text(
        "id,organization_name,name\nx,Askel ry,A\nx,Askel ry,B\ny,Askel ry,C\x00\n",
        encoding="utf-8",
    )
    catalogue = read_catalogue(repeated)
    assert [str(p) for p in catalogue.problems] == [
        "line 4, name: contains the NUL character",
        "line 3, id: 'x' also on line 2",
    ]
