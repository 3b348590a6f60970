"""`polku dev --demo`: a small, realistic organisation to click through.

A wellbeing county refers clients to groups run by an NGO's coaches and to services in
the catalogue. Everything is placed relative to today, whatever day the demo runs:

* "Askeleita työelämään" ended some weeks ago: eight clients who came by referral,
  attendance, coaching plans with rated goals, two self-assessments each, feedback and,
  for most, a continuation plan — enough people that the outcome report shows figures.
* "Voimaa arkeen" started about four weeks ago and meets weekly: six referred clients,
  attendance on every session held so far, one client absent twice in a row.
* "Arjen taidot" starts in a week or two: four clients, one with a coaching plan.
* A closed, anonymous group-end feedback round of "Askeleita työelämään", answered by
  its eight clients and both coaches.
* "Palvelupolkujen kehittäjäryhmä", a co-development group: workers and three
  developer-clients from the completed group as equals, memos, workers present.
* Three catalogue services (HSDS-shaped) and referrals to them in several states, one
  unanswered for longer than five working days.

Records are made through the domain services (so consent, audit and the outbox hold),
then moved to the plausible past moments they stand for (backdating.py). Who is in it:
cast.py and catalogue.py; the steps: seeder.py; the story: groups.py and coaching.py.

Every name is invented; running it again changes nothing but the calendar links and
the page link of the client whose calendar it shows.
"""

from __future__ import annotations

from dataclasses import dataclass

import asyncpg

from service.accounts.sql import queries as accounts_queries
from service.base.settings import Settings
from service.clients import consents
from service.clients.types import ConsentIn
from service.composers.client_page import page_links
from service.composers.client_page.sql import queries as page_queries
from service.composers.demo.cast import COACH, COUNTY, DEMO_PASSWORD, FEED_CLIENT, STAFF
from service.composers.demo.co_development import co_development_group
from service.composers.demo.groups import completed_group, running_group, upcoming_group
from service.composers.demo.outcomes import left_half_a_year_ago
from service.composers.demo.questionnaires import closed_feedback_round
from service.composers.demo.seeder import Seeder, actor_of
from service.composers.demo.support import hand_out_support
from service.composers.feeds import links as feeds

__all__ = ["DEMO_PASSWORD", "Demo", "seed_demo"]

STAFF_BY_EMAIL = "SELECT id, organisation_id, email, name, roles FROM staff WHERE email = $1"
DEMO_CLIENT = "SELECT id FROM clients WHERE first_name = $1 AND last_name = $2"


@dataclass
class Demo:
    logins: list[tuple[str, str, str]]  # (role, e-mail, password)
    feeds: list[tuple[str, str]]  # (whose, link)
    page: tuple[str, str]  # (whose, link to their own page)


async def seed_demo(conn: asyncpg.Connection, settings: Settings) -> Demo:
    """Create the demo once; every run hands out fresh calendar and page links (only
    digests are stored, so earlier links cannot be shown again and stop working)."""
    logins = [(str(roles[0]), email, DEMO_PASSWORD) for _, email, _, roles, _ in STAFF]
    async with conn.transaction():
        if await accounts_queries.organisation_by_name(conn, name=COUNTY) is None:
            seed = Seeder(conn)
            await seed.organisations_and_staff()
            await completed_group(seed)
            await running_group(seed)
            await upcoming_group(seed)
            await left_half_a_year_ago(seed)
            await hand_out_support(seed)
            await closed_feedback_round(seed)
            await co_development_group(seed)
        coach = actor_of(await conn.fetchrow(STAFF_BY_EMAIL, COACH))
        client_id = await conn.fetchval(DEMO_CLIENT, FEED_CLIENT[0], FEED_CLIENT[1])
        client_feed = await feeds.client_feed(conn, settings, coach, client_id)
        coach_feed = await feeds.staff_feed(conn, settings, coach)
        # The same client has their own page (given here too in a demo seeded before).
        if not await page_queries.has_page_consent(conn, client_id=client_id):
            await consents.give_consent(conn, coach, client_id, ConsentIn(purpose="client_page"))
        page = await page_links.give_link(conn, settings, coach, client_id)
    return Demo(
        logins=logins,
        feeds=[
            (f"{FEED_CLIENT[0]} {FEED_CLIENT[1]}", client_feed.url),
            ("Aino Lahtinen (coach)", coach_feed.url),
        ],
        page=(f"{FEED_CLIENT[0]} {FEED_CLIENT[1]}", page.url),
    )
