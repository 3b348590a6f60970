"""Reading HSDS JSON and the flat CSV: what is kept, and every bad row named by line
and field."""

from __future__ import annotations

import contextlib
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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


def _write_json(tmp_path: Path, *services: Any) -> Path:
    path = tmp_path / "services.json"
    path.write_text(json.dumps(list(services), ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def _service(**fields: Any) -> dict[str, Any]:
    return {"id": "s1", "name": "Palvelu", "organization": {"name": "Askel ry"}, **fields}


def _at(address: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"location": {"name": "Ohjaamo", "addresses": [address]}}]


def test_a_numeric_postal_code_is_read_as_text(tmp_path: Path) -> None:
    address = {"address_1": "Kauppakatu 1", "postal_code": 12345, "city": "Järvilä"}
    catalogue = read_catalogue(_write_json(tmp_path, _service(service_at_locations=_at(address))))
    assert catalogue.problems == []
    [(_, service)] = catalogue.services
    assert service.location is not None
    assert service.location.address == "Kauppakatu 1, 12345 Järvilä"


def test_a_numeric_postal_code_without_its_leading_zeros_is_a_problem(tmp_path: Path) -> None:
    address = {"address_1": "Mannerheimintie 1", "postal_code": 100, "city": "Helsinki"}
    catalogue = read_catalogue(_write_json(tmp_path, _service(service_at_locations=_at(address))))
    assert catalogue.services == []
    assert [str(p) for p in catalogue.problems] == [
        "line 2, service_at_locations[0].location.addresses[0].postal_code: the number 100 "
        'has lost the postal code\'s leading zeros; write it as text, as in "00100"'
    ]


def test_a_numeric_street_is_a_problem_named_by_line_and_field(tmp_path: Path) -> None:
    good = _service(id="ok")
    bad = _service(id="bad", service_at_locations=_at({"address_1": 1, "city": "Järvilä"}))
    catalogue = read_catalogue(_write_json(tmp_path, good, bad))
    assert [s.external_id for _, s in catalogue.services] == ["ok"]
    assert [str(p) for p in catalogue.problems] == [
        "line 9, service_at_locations[0].location.addresses[0].address_1: "
        "must be text, not a whole number"
    ]


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"organization": "Askel ry"}, "organization"),
        ({"phones": "+358 40 123 4567"}, "phones"),
        ({"phones": [4012345]}, "phones[0]"),
        ({"phones": [{"number": 4012345}]}, "phones[0].number"),
        ({"schedules": {"description": "ma–to"}}, "schedules"),
        ({"attributes": 5}, "attributes"),
        ({"attributes": ["työllisyys"]}, "attributes[0]"),
        ({"attributes": [{"taxonomy_term": "työllisyys"}]}, "attributes[0].taxonomy_term"),
        ({"attributes": [{"taxonomy_term": {"name": 7}}]}, "attributes"),
        ({"categories": "päihteet"}, "categories"),
        ({"contacts": {"name": "Pekka"}}, "contacts"),
        ({"contacts": [{"phones": 5}]}, "contacts[0].phones"),
        ({"contacts": [{"name": ["Pekka"]}]}, "contacts[0].name"),
        ({"service_at_locations": [{"location": "Ohjaamo"}]}, "service_at_locations[0].location"),
        (
            {"service_at_locations": [{"location": {"addresses": "Kauppakatu 1"}}]},
            "service_at_locations[0].location.addresses",
        ),
        (
            {"service_at_locations": _at({"city": 12345})},
            "service_at_locations[0].location.addresses[0].city",
        ),
        (
            {"service_at_locations": _at({"postal_code": 1.5})},
            "service_at_locations[0].location.addresses[0].postal_code",
        ),
        ({"status": 1}, "status"),
        ({"status": True}, "status"),
        ({"description": 3}, "description"),
    ],
)
def test_every_unexpected_type_is_a_row_problem(
    tmp_path: Path, fields: dict[str, Any], field: str
) -> None:
    catalogue = read_catalogue(_write_json(tmp_path, _service(**fields)))
    assert catalogue.services == []
    assert [(p.line, p.field) for p in catalogue.problems] == [(2, field)]


def test_a_record_that_is_not_an_object(tmp_path: Path) -> None:
    catalogue = read_catalogue(_write_json(tmp_path, _service(), 5))
    assert [str(p) for p in catalogue.problems] == [
        "line 9, record: must be an object, not a whole number"
    ]


def test_a_numeric_id_is_read_as_text(tmp_path: Path) -> None:
    catalogue = read_catalogue(_write_json(tmp_path, _service(id=42)))
    assert catalogue.problems == []
    assert catalogue.services[0][1].external_id == "42"


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=10,
)
_FULL = json.loads((FIXTURES / "services.json").read_text(encoding="utf-8"))[0]


def _paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _paths(item, (*path, index))
    return found


@settings(max_examples=150, deadline=None)
@given(path=st.sampled_from(_paths(_FULL)), replacement=_json)
def test_no_json_value_anywhere_breaks_the_reader(path: tuple[Any, ...], replacement: Any) -> None:
    service = json.loads(json.dumps(_FULL))
    if path:
        *parents, last = path
        holder = service
        for step in parents:
            holder = holder[step]
        holder[last] = replacement
    else:
        service = replacement
    with tempfile.TemporaryDirectory() as directory:
        catalogue = read_catalogue(_write_json(Path(directory), service))
    assert len(catalogue.services) + len(catalogue.problems) >= 1
    assert all(p.line == 2 and p.field for p in catalogue.problems)


@settings(max_examples=150, deadline=None)
@given(
    text=st.text(alphabet=st.sampled_from('[]{}",:;|\n\r\t 0-9eE.aé\x00\\'), max_size=80)
    | st.text(max_size=80),
    suffix=st.sampled_from([".json", ".csv"]),
)
def test_no_file_ends_in_a_traceback(text: str, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / f"services{suffix}"
        path.write_text(text, encoding="utf-8")
        with contextlib.suppress(UnreadableFile):
            read_catalogue(path)


def test_a_record_with_multiline_cells_is_reported_on_its_first_line(tmp_path: Path) -> None:
    path = tmp_path / "services.csv"
    path.write_text(
        "id,organization_name,name,description\n"
        'a,Askel ry,Vertaisryhmä,"Ensimmäinen rivi\ntoinen rivi\nkolmas rivi"\n'
        'b,Askel ry,,"Kuvaus\nkahdella rivillä"\n'
        "c,Askel ry,Kolmas,\n",
        encoding="utf-8",
    )
    catalogue = read_catalogue(path)
    assert [(line, s.external_id) for line, s in catalogue.services] == [(2, "a"), (7, "c")]
    assert [(p.line, p.field) for p in catalogue.problems] == [(5, "name")]


def test_files_no_reader_can_take_are_unreadable_not_a_crash(tmp_path: Path) -> None:
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    with pytest.raises(UnreadableFile, match="nested too deeply"):
        read_catalogue(deep)
    huge = tmp_path / "huge.json"
    huge.write_text('[{"id": ' + "9" * 5000 + "}]", encoding="utf-8")
    with pytest.raises(UnreadableFile, match="not valid JSON"):
        read_catalogue(huge)
    wide = tmp_path / "wide.csv"
    wide.write_text("id,name\n1," + "x" * 200_000 + "\n", encoding="utf-8")
    with pytest.raises(UnreadableFile, match="line 2"):
        read_catalogue(wide)


def test_records_nested_near_the_limit_are_problems_or_unreadable(tmp_path: Path) -> None:
    """Around Python's recursion limit the JSON reader gives up, or the record is
    checked; neither may end in a traceback."""
    for depth in range(sys.getrecursionlimit() - 60, sys.getrecursionlimit() + 5):
        path = tmp_path / "deep.json"
        path.write_text(
            json.dumps([_service()])[:-2] + ', "description": ' + "[" * depth + "]" * depth + "}]",
            encoding="utf-8",
        )
        assert _outcome(path) in (
            "unreadable: line 1: nested too deeply",
            "line 1, description: must be text, not a list",
        )


def _outcome(path: Path) -> str:
    try:
        catalogue = read_catalogue(path)
    except UnreadableFile as error:
        return f"unreadable: {error}"
    return "; ".join(str(p) for p in catalogue.problems)
