"""Who is in the demo: its organisations, their staff, the clients of its three groups
and what the completed group's clients aimed for and went on to. Every name is invented."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from service.accounts.types import Role
from service.base.fields import Location
from service.composers.demo.plausible import email_address

DEMO_PASSWORD = "polku-demo-2026"
COUNTY = "Järvimaan hyvinvointialue (demo)"
NGO = "Askel ry (demo)"
DEBT_ADVICE = "Järvimaan talous- ja velkaneuvonta (demo)"

STAFF: list[tuple[str, str, str, list[Role], str]] = [
    # organisation, e-mail, name, roles, phone
    (COUNTY, "admin@jarvimaa.example", "Riikka Admin", ["admin"], "+358 40 100 0001"),
    (COUNTY, "sanna.virtanen@jarvimaa.example", "Sanna Virtanen", ["referrer"], "+358 40 100 0002"),
    (NGO, "aino.lahtinen@askel.example", "Aino Lahtinen", ["coach"], "+358 40 200 0001"),
    (NGO, "mikko.korhonen@askel.example", "Mikko Korhonen", ["coach"], "+358 40 200 0002"),
    (COUNTY, "raportit@jarvimaa.example", "Pekka Analyytikko", ["analyst"], "+358 40 100 0003"),
]
ADMIN = "admin@jarvimaa.example"
COACH = "aino.lahtinen@askel.example"
SECOND_COACH = "mikko.korhonen@askel.example"
WORKER = "sanna.virtanen@jarvimaa.example"
FEED_CLIENT = ("Jari", "Mäkinen")

OLOHUONE = Location(name="Askeleen olohuone", address="Kauppakatu 12, Järvilä")


@dataclass(frozen=True)
class Person:
    first: str
    last: str
    born: date
    gender: str
    status: str  # labour-market status
    education: str
    language: str = "fi"

    @property
    def email(self) -> str:
        return email_address(self.first, self.last, "example.org")


# The upcoming group: enrolled by the worker, who is its contact.
UPCOMING = [
    Person("Jari", "Mäkinen", date(1984, 5, 17), "male", "long_term_unemployed", "isced_3_4"),
    Person("Laura", "Heikkinen", date(1991, 11, 2), "female", "inactive", "isced_0_2"),
    Person("Elias", "Lindqvist", date(1998, 2, 23), "male", "unemployed", "isced_3_4", "sv"),
    Person("Noora", "Salminen", date(1979, 8, 9), "female", "long_term_unemployed", "isced_5_8"),
]
# The running group, by referral. Oskari misses the last two sessions; Mikael waits
# for debt advice; Oskari is also referred to the substance-abuse clinic. Those two
# did not want e-mail reminders.
RUNNING = [
    Person("Antti", "Koskinen", date(1987, 3, 14), "male", "long_term_unemployed", "isced_3_4"),
    Person("Sofia", "Järvinen", date(1995, 7, 30), "female", "inactive", "isced_3_4"),
    Person("Mikael", "Nieminen", date(1976, 1, 5), "male", "long_term_unemployed", "isced_0_2"),
    Person("Emma", "Hämäläinen", date(2000, 10, 12), "female", "unemployed", "isced_3_4"),
    Person("Oskari", "Laine", date(1983, 6, 21), "male", "long_term_unemployed", "isced_0_2"),
    Person("Tiina", "Rantanen", date(1990, 12, 1), "female", "inactive", "isced_5_8", "sv"),
]
# The completed group, by referral; each with a goal-coaching plan. They kept in touch
# by phone: no e-mail consent (and so no e-mail now about a series long over).
COMPLETED = [
    Person("Ville", "Kinnunen", date(1985, 4, 2), "male", "long_term_unemployed", "isced_3_4"),
    Person("Hanna", "Leppänen", date(1993, 9, 18), "female", "unemployed", "isced_3_4"),
    Person("Petri", "Heinonen", date(1972, 2, 11), "male", "long_term_unemployed", "isced_0_2"),
    Person("Sari", "Turunen", date(1981, 8, 25), "female", "inactive", "isced_0_2"),
    Person("Juho", "Ahonen", date(1997, 5, 7), "male", "unemployed", "isced_3_4"),
    Person("Katja", "Saarinen", date(1988, 11, 29), "female", "inactive", "isced_5_8"),
    Person("Markus", "Niemi", date(1979, 3, 3), "male", "long_term_unemployed", "isced_3_4"),
    Person("Eveliina", "Mattila", date(1999, 1, 16), "female", "unemployed", "isced_0_2", "sv"),
]
# A group that ended about seven months ago: three who left it, followed up six months
# on (two answered the question by SMS; the third's is overdue in the worker's list).
LEFT_EARLIER = [
    Person("Riikka", "Lehtonen", date(1986, 6, 14), "female", "long_term_unemployed", "isced_3_4"),
    Person("Tommi", "Karjalainen", date(1991, 2, 27), "male", "unemployed", "isced_0_2"),
    Person("Anu", "Vainio", date(1978, 10, 9), "female", "inactive", "isced_3_4"),
]
LEFT_EARLIER_PATHS = [
    # situation upon leaving, six months on (None: asked, no answer)
    ("job_seeking", "employed"),
    ("job_seeking", "education"),
    ("inactive", None),
]
# Each completed-group client's goal, levels at mid-point and at the end, and next step
# (None: no continuation plan yet).
COMPLETED_PATHS: list[tuple[int, int, int, tuple[str, str] | None]] = [
    # goal (index in GOALS), mid level, end level, (next step, description)
    (1, 0, 1, ("work_trial", "Työkokeilu Askeleen kierrätyskeskuksessa")),
    (1, -1, 0, ("work_trial", "Työkokeilu kierrätyskeskuksessa, kun paikka vapautuu")),
    (0, -1, -1, None),  # Petri: the work trial said no; nothing else planned yet
    (0, -1, 0, None),  # Sari: nothing planned
    (1, 0, 1, ("education", "Puhdistuspalvelualan perustutkinto, haku keväällä")),
    (0, 0, 2, ("employment", "Osa-aikatyö kaupan alalla, 20 h viikossa")),
    (0, 0, 1, ("rehabilitation", "Kuntoutuskurssi Kelan kautta")),
    (1, 0, 1, ("education", "Valmentava koulutus (TUVA) syksyllä")),
]

GOALS = [
    (
        "Päivärytmi",
        2.0,
        (
            "Herää iltapäivällä, ei aamuohjelmaa",
            "Herää kymmeneltä kahtena aamuna viikossa",
            "Herää yhdeksältä arkiaamuisin",
            "Herää kahdeksalta ja syö aamupalan arkiaamuisin",
            "Aamurutiini joka päivä, myös viikonloppuisin",
        ),
    ),
    (
        "Työkokeilu",
        1.0,
        (
            "Ei tiedä, millainen työ kiinnostaisi",
            "Tietää kaksi kiinnostavaa alaa",
            "Käy tutustumassa yhteen työpaikkaan",
            "Hakee työkokeilupaikkaa",
            "Aloittaa työkokeilun",
        ),
    ),
]
