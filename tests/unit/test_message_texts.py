"""What the e-mails and SMS say, without a database."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from service.notifications import page_link_text
from service.notifications.render import SMS_LENGTH, gsm7, gsm7_length, render, sms, when

HELSINKI = ZoneInfo("Europe/Helsinki")
STOCKHOLM = ZoneInfo("Europe/Stockholm")
MONDAY = datetime(2026, 12, 14, 10, tzinfo=HELSINKI)


def test_finnish_weekdays_are_all_in_the_essive() -> None:
    days = [when(MONDAY + timedelta(days=n), "fi", HELSINKI, year=2026) for n in range(7)]
    assert [day.split(" ")[0] for day in days] == [
        "maanantaina",
        "tiistaina",
        "keskiviikkona",
        "torstaina",
        "perjantaina",
        "lauantaina",
        "sunnuntaina",
    ]
    assert days[6] == "sunnuntaina 20.12. klo 10.00"


def test_a_date_in_another_year_than_the_message_carries_its_year() -> None:
    january = datetime(2027, 1, 4, 10, tzinfo=HELSINKI)
    assert when(january, "fi", HELSINKI, year=2026) == "maanantaina 4.1.2027 klo 10.00"
    assert when(january, "sv", HELSINKI, year=2026) == "måndag 4.1.2027 kl. 10.00"
    assert when(january, "en", HELSINKI, year=2026) == "Monday 4 January 2027 at 10:00"
    assert when(january, "fi", HELSINKI, year=2027) == "maanantaina 4.1. klo 10.00"


def test_the_time_is_the_readers_own_and_names_their_zone_when_the_clock_differs() -> None:
    # A 10.00 group in Helsinki is at 9.00 in Stockholm, as a Stockholm calendar shows it.
    assert (
        when(MONDAY, "fi", STOCKHOLM, year=2026, group_zone=HELSINKI)
        == "maanantaina 14.12. klo 9.00 (aikavyöhyke: Ruotsi)"
    )
    assert (
        when(MONDAY, "sv", STOCKHOLM, year=2026, group_zone=HELSINKI)
        == "måndag 14.12. kl. 09.00 (Sverigetid)"
    )
    assert (
        when(MONDAY, "en", STOCKHOLM, year=2026, group_zone=HELSINKI)
        == "Monday 14 December at 09:00 (Sweden Time)"
    )
    # Same clock, nothing to name: the group's own zone, or Åland's.
    same = when(MONDAY, "fi", HELSINKI, year=2026, group_zone=HELSINKI)
    assert same == "maanantaina 14.12. klo 10.00"
    aland = when(MONDAY, "fi", ZoneInfo("Europe/Mariehamn"), year=2026, group_zone=HELSINKI)
    assert aland == same


def words(**overrides: object) -> dict[str, object]:
    return {
        "title": "Arjen taidot",
        "when": when(MONDAY, "en", HELSINKI, year=2026),
        "place": "Kohtaamispaikka, Kauppakatu 1, Järvilä",
        "online_url": None,
        "phone": "+358 40 100 0001",
        "whole": False,
        "meeting": False,
        "changed": (),
        **overrides,
    }


def test_a_place_change_for_the_whole_group_says_the_place_changed_and_to_what() -> None:
    text = render("update", "en", plain=False, **words(whole=True, changed=("place",))).body
    assert text.splitlines()[:3] == [
        "The meeting place of Arjen taidot has changed.",
        "New place: Kohtaamispaikka, Kauppakatu 1, Järvilä",
        "The next meeting is on Monday 14 December at 10:00.",
    ]
    assert "time" not in text
    fi = render("update", "fi", plain=False, **words(whole=True, changed=("place",))).body
    assert fi.startswith("Ryhmän Arjen taidot tapaamispaikka on muuttunut.\nUusi paikka: ")
    assert "Uusi aika" not in fi
    sv = render("update", "sv", plain=True, **words(whole=True, changed=("place",))).body
    assert sv.startswith("Gruppen Arjen taidot träffas på en ny plats.\nNy plats: ")


def test_a_session_update_says_what_changed() -> None:
    moved = render("update", "en", plain=False, **words(changed=("time",))).body
    assert moved.startswith("A meeting of Arjen taidot has moved.\nNew time: Monday 14 December")
    placed = render("update", "en", plain=False, **words(changed=("place",))).body
    assert placed.startswith(
        "The meeting of Arjen taidot on Monday 14 December at 10:00 will be held in a new "
        "place.\nNew place: Kohtaamispaikka"
    )
    assert "Place: " not in placed  # said once, as the new place
    linked = render(
        "update", "en", plain=False, **words(changed=("link",), online_url="https://x.example/a")
    ).body
    assert "New link for joining online: https://x.example/a" in linked
    fi_when = when(MONDAY, "fi", HELSINKI, year=2026)
    both = render("update", "fi", plain=False, **words(changed=("place", "time"), when=fi_when))
    assert both.body.splitlines()[:3] == [
        "Ryhmän Arjen taidot tapaaminen on siirtynyt.",
        "Uusi aika: maanantaina 14.12. klo 10.00",
        "Uusi paikka: Kohtaamispaikka, Kauppakatu 1, Järvilä",
    ]


def test_sms_text_is_gsm7() -> None:
    assert gsm7("Arjen taidot – kevät 😊 “Šámi” …") == 'Arjen taidot - kevät "Sami" ...'
    assert gsm7_length("Hinta 5 €") == 10  # the euro sign takes two septets


LONG = {
    "title": "Työelämätaitojen ja arjen hallinnan valmennusryhmä nuorille aikuisille – Šiellat",
    "place": "Järvilän kaupungin monitoimitalo Kohtaamispaikka, Kauppakatu 1 B 23, 40100 Järvilä",
    "online_url": "https://meet.example.org/j/arjen-taidot-kevat-2027-ryhma-a?pwd=abcdefghijk",
    "phone": "+358 40 100 0001",
}


@pytest.mark.parametrize(
    ("kind", "language", "plain", "shape", "changed"),
    [
        (kind, language, plain, shape, changed)
        for kind, language, plain, shape in itertools.product(
            ["invite", "reminder", "update", "cancellation"],
            ["fi", "sv", "en"],
            [False, True],
            ["session", "whole", "meeting"],
        )
        for changed in (
            [(), ("time",), ("place",), ("link",), ("title",), ("link", "place", "time")]
            if kind == "update"
            else [()]
        )
    ],
)
def test_every_sms_fits_one_message(
    kind: str, language: str, plain: bool, shape: str, changed: tuple[str, ...]
) -> None:
    moment = when(datetime(2027, 3, 28, 10, tzinfo=HELSINKI), language, STOCKHOLM, year=2026,
                  group_zone=HELSINKI)  # fmt: skip
    context = {
        **LONG,
        "when": moment,
        "whole": shape == "whole",
        "meeting": shape == "meeting",
        "changed": changed,
    }
    text = sms(kind, language, plain=plain, place_name="Kohtaamispaikka", **context)
    assert gsm7_length(text) <= SMS_LENGTH, text
    assert gsm7(text) == text
    # The time is never what goes, but from a change to the whole group: its news is
    # the new place or link, and the next meeting is one of the usual ones.
    if moment in render(kind, language, plain=plain, **context).body and not (
        kind == "update" and shape == "whole"
    ):
        assert gsm7(moment) in text
    if "place" in changed:
        assert "Kohtaamispaikka" in text  # nor what an update is about
    # A link goes whole or not at all: half a link leads nowhere.
    assert LONG["online_url"] in text or "https:" not in text


def test_an_sms_drops_the_address_before_anything_else() -> None:
    context = words(place="Kohtaamispaikka, " + "Kauppakatu 1 B 23, 40100 Järvilä" * 2)
    text = sms("reminder", "en", plain=False, place_name="Kohtaamispaikka", **context)
    assert text.splitlines()[1:] == [
        "Place: Kohtaamispaikka",
        "If you cannot come, call: +358 40 100 0001",
    ]


HINTS = {
    "fi": "Tuletko? Vastaa K tai E.",
    "sv": "Kommer du? Svara J eller N.",
    "en": "Coming? Reply Y or N.",
}


@pytest.mark.parametrize(
    ("kind", "language", "plain", "shape", "long"),
    list(
        itertools.product(
            ["invite", "reminder"],
            ["fi", "sv", "en"],
            [False, True],
            ["session", "whole", "meeting"],
            [False, True],
        )
    ),
)
def test_a_reply_hint_ends_reminders_and_invites_within_one_sms(
    kind: str, language: str, plain: bool, shape: str, long: bool
) -> None:
    moment = when(datetime(2027, 3, 28, 10, tzinfo=HELSINKI), language, HELSINKI, year=2027)
    usual = {
        "title": "Arjen taidot",
        "place": "Kohtaamispaikka",
        "online_url": None,
        "phone": "+358 40 100 0001",
    }
    context = {
        **(LONG if long else usual),
        "when": moment,
        "whole": shape == "whole",
        "meeting": shape == "meeting",
        "changed": (),
        "reply_hint": True,
    }
    text = sms(kind, language, plain=plain, place_name="Kohtaamispaikka", **context)
    assert text.endswith(HINTS[language]), text
    assert gsm7(moment) in text
    # Every language fits the hint into one SMS, by dropping the address, the phone
    # number and the link first: a second segment is never needed for these.
    assert gsm7_length(text) <= SMS_LENGTH, text
    if not long:
        assert "Kohtaamispaikka" in text  # an ordinary text keeps its place


def test_without_the_inbound_secret_no_sms_asks_for_a_reply() -> None:
    text = sms("reminder", "fi", plain=False, place_name=None, **words())
    assert "Vastaa" not in text
    mailed = render("reminder", "fi", plain=False, **words(), reply_hint=True).body
    assert "Vastaa K tai E" in mailed  # the template has it; only by_sms asks for it


@pytest.mark.parametrize(
    ("language", "answer", "expected"),
    [
        ("fi", "coming", "Kiitos! Merkitsimme, että tulet: Arjen taidot"),
        ("fi", "not_coming", "Kiitos, että kerroit. Merkitsimme, ettet pääse: Arjen taidot"),
        ("fi", "opt_out", "Selvä. Et saa enää tekstiviestejä Polusta."),
        ("sv", "coming", "Tack! Vi har noterat att du kommer: Arjen taidot"),
        ("sv", "opt_out", "Okej. Du får inga fler textmeddelanden från Polku."),
        ("en", "not_coming", "We have noted that you cannot come: Arjen taidot"),
        ("en", "opt_out", "OK. You will get no more text messages from Polku."),
    ],
)
def test_the_answer_to_a_reply_fits_one_sms(language: str, answer: str, expected: str) -> None:
    moment = when(datetime(2027, 3, 28, 10, tzinfo=HELSINKI), language, HELSINKI, year=2027)
    for title in ("Arjen taidot", LONG["title"]):
        text = sms("reply", language, plain=False, place_name=None,
                   answer=answer, title=title, when=moment)  # fmt: skip
        assert gsm7_length(text) <= SMS_LENGTH, text
        if answer != "opt_out":
            assert gsm7(moment) in text
    assert gsm7(expected) in sms("reply", language, plain=False, place_name=None,
                                 answer=answer, title="Arjen taidot", when=moment)  # fmt: skip


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_the_follow_up_question_fits_one_sms_and_offers_four_numbers(language: str) -> None:
    text = sms("follow_up", language, plain=True, place_name=None,
               first_name="Maria-Kristiina", sms=True)  # fmt: skip
    assert gsm7_length(text) <= SMS_LENGTH, text
    assert all(f"{number} " in text for number in "1234"), text
    mailed = render("follow_up", language, plain=False, first_name="Anna", sms=False).body
    assert "1 " not in mailed  # an e-mail's answer goes to the worker, in words


# The page link's message (service/notifications/page_link_text.py): a public address as
# long as a wellbeing county's tend to be, and a token as long as links.issue makes them.
PAGE_URL = "https://polku.jarvilanhyvinvointialue.fi/p/pp_" + "A" * 43


@pytest.mark.parametrize(
    ("language", "plain", "name"),
    itertools.product(["fi", "sv", "en"], [False, True], ["Anna", "Maria-Aleksandra Šárka 😊"]),
)
def test_every_page_link_sms_fits_one_message_with_the_link_whole(
    language: str, plain: bool, name: str
) -> None:
    text = page_link_text.sms_text(language, plain, name, PAGE_URL)
    assert gsm7_length(text) <= SMS_LENGTH, text
    assert gsm7(text) == text
    assert PAGE_URL in text.split("\n")
    if name == "Anna":  # a usual name fits with everything else
        assert "Anna" in text
        assert len(text.split("\n")) > 2, text  # the words about keeping the link too


def test_a_page_link_sms_gives_up_the_name_before_the_words() -> None:
    long_url = "https://polku.example.fi/" + "x" * 26 + "/p/pp_" + "A" * 43  # 100
    text = page_link_text.sms_text("fi", False, "Anna", long_url)
    assert "Anna" not in text
    assert "Älä jaa linkkiä." in text
    assert gsm7_length(text) <= SMS_LENGTH


def test_a_page_link_email_says_until_when_and_in_plain_language_one_thing_per_line() -> None:
    until = datetime(2027, 3, 8).date()
    plain = page_link_text.email_text("fi", True, "Anna", PAGE_URL, until)
    assert plain.subject == "Linkki omalle sivullesi"
    assert "Linkki toimii 8.3.2027 asti." in plain.body.splitlines()
    assert PAGE_URL in plain.body.splitlines()
    assert all(line.count(". ") == 0 for line in plain.body.splitlines())
    english = page_link_text.email_text("en", False, "Anna", PAGE_URL, until)
    assert "The link works until 8 March 2027." in english.body
    swedish = page_link_text.email_text("sv", False, "Anna", PAGE_URL, until)
    assert swedish.subject == "Länken till din egen sida"
