"""The demo's service catalogue: three services, HSDS-shaped, that its clients are
referred to."""

from __future__ import annotations

from service.composers.demo.cast import COUNTY, DEBT_ADVICE, NGO, SECOND_COACH
from service.referrals.imported import ImportedService
from service.referrals.types import Contact, ServiceLocation

# The external ids the demo refers clients to.
DEBT_ADVICE_SERVICE = "demo-talous-ja-velkaneuvonta"
CLINIC_SERVICE = "demo-paihdepoliklinikka"
WORK_TRIAL_SERVICE = "demo-tyokokeilu-kierratyskeskus"

SERVICES = [
    ImportedService(
        external_id=DEBT_ADVICE_SERVICE,
        organisation_name=DEBT_ADVICE,
        name="Talous- ja velkaneuvonta",
        description="Maksutonta neuvontaa velkojen järjestelyyn, budjetointiin ja "
        "velkajärjestelyn hakemiseen.",
        categories=["talous", "velat", "neuvonta"],
        eligibility="Järvimaan asukkaat, joilla on velka- tai maksuvaikeuksia",
        contact=Contact(name="Neuvonnan ajanvaraus", phone="+358 29 566 0001"),
        location=ServiceLocation(
            name="Oikeustalo", address="Raatihuoneenkatu 3, Järvilä", municipality="Järvilä"
        ),
        schedule="ma–to 9–15, ajanvarauksella",
        email="velkaneuvonta@jarvimaa.example",
        phone="+358 29 566 0001",
    ),
    ImportedService(
        external_id=CLINIC_SERVICE,
        organisation_name=COUNTY,
        name="Päihdepoliklinikka",
        description="Päihde- ja riippuvuushoidon avopalvelu: arviointi, "
        "vieroitus avohoidossa, yksilö- ja ryhmätapaamiset.",
        categories=["päihteet", "terveys", "avohoito"],
        eligibility="Täysi-ikäiset Järvimaan asukkaat; ei lähetettä lääkäriltä",
        contact=Contact(name="Sairaanhoitaja, päivystävä", phone="+358 40 100 0900"),
        location=ServiceLocation(
            name="Terveyskeskus, B-siipi", address="Sairaalantie 5, Järvilä", municipality="Järvilä"
        ),
        schedule="ma–pe 8–16",
        phone="+358 40 100 0900",
    ),
    ImportedService(
        external_id=WORK_TRIAL_SERVICE,
        organisation_name=NGO,
        name="Työkokeilu Askeleen kierrätyskeskuksessa",
        description="1–6 kuukauden työkokeilu kierrätyskeskuksen myymälässä, "
        "lajittelussa ja korjauspajassa työhönvalmentajan tuella.",
        categories=["työllisyys", "työkokeilu"],
        eligibility="Työttömät työnhakijat, joilla on TE-palveluiden tai sosiaalityön tuki",
        contact=Contact(name="Mikko Korhonen", title="työhönvalmentaja", email=SECOND_COACH),
        location=ServiceLocation(
            name="Askeleen kierrätyskeskus", address="Teollisuustie 8, Järvilä"
        ),
        schedule="ma–pe 8–14",
        email="tyokokeilu@askel.example",
    ),
]
