"""What the benchmark measures, each with its budget from the issue that asked for it."""

from __future__ import annotations

import json
import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass

import asyncpg

from bench import generate
from bench.generate_page import PAGE_TOKEN
from bench.generate_worklist import WORKLIST_TOKEN
from bench.load import Request
from service.base.tokens import digest
from service.composers.sms_replies.signature import HEADER, signature

# wrk's connections for a scenario that does not name its own.
DEFAULT_CONNECTIONS = 50


@dataclass
class Data:
    """What scenarios need to know about a generated database."""

    worker_clients: list[str]
    programmes: list[str]
    # The benchmark coach's held sessions, each with the clients enrolled in it.
    coach_sessions: list[tuple[str, list[str]]]
    # The benchmark coach's plans (six goals, forty ratings each).
    coach_plans: list[str]
    # An NGO of the same size at every scale, whose outcomes the analyst reads.
    report_organisation: str
    # Numbers (E.164) of clients who were sent an SMS in the last week: who replies.
    sms_senders: list[str]
    # Questionnaire rounds of the benchmark coach's programmes (about 12 answered each).
    coach_rounds: list[str]


async def load_data(url: str) -> Data:
    conn = await asyncpg.connect(url)
    try:
        worker_clients = await conn.fetch(
            "SELECT w.client_id::text FROM client_workers w JOIN access_tokens t "
            "ON t.staff_id = w.staff_id WHERE t.token_hash = $1 ORDER BY 1",
            digest(generate.WORKER_TOKEN),
        )
        programmes = await conn.fetch(
            "SELECT id::text FROM programmes ORDER BY md5(id::text) LIMIT 500"
        )
        sessions = await conn.fetch(
            """
            SELECT s.id::text, array_agg(e.client_id::text ORDER BY e.client_id) AS clients
            FROM access_tokens t
            JOIN programme_staff ps ON ps.staff_id = t.staff_id AND ps.role = 'facilitator'
            JOIN sessions s ON s.programme_id = ps.programme_id AND s.starts_at < now()
            JOIN enrolments e ON e.programme_id = s.programme_id AND e.status = 'enrolled'
            WHERE t.token_hash = $1
            GROUP BY s.id, t.staff_id
            -- Groups the coach still works with: after a programme's grace period its
            -- clients are out of reach, and their attendance rightly answers 404.
            HAVING bool_and(can_reach_client(t.staff_id, e.client_id))
            ORDER BY s.id
            LIMIT 400
            """,
            digest(generate.COACH_TOKEN),
        )
        plans = await conn.fetch(
            "SELECT pc.plan_id::text FROM access_tokens t "
            "JOIN plan_coaches pc ON pc.staff_id = t.staff_id "
            "JOIN plans p ON p.id = pc.plan_id "
            # Plans of clients the coach still reaches (live or within the grace period).
            "WHERE t.token_hash = $1 AND can_reach_client(t.staff_id, p.client_id) ORDER BY 1",
            digest(generate.COACH_TOKEN),
        )
        sms_senders = await conn.fetch(
            "SELECT DISTINCT c.phone_e164 FROM clients c JOIN messages m ON m.client_id = c.id "
            "WHERE m.channel = 'sms' AND m.status = 'sent' "
            "AND m.sent_at > now() - interval '7 days' ORDER BY 1 LIMIT 2000"
        )
        rounds = await conn.fetch(
            "SELECT r.id::text FROM access_tokens t "
            "JOIN programme_staff ps ON ps.staff_id = t.staff_id AND ps.role = 'facilitator' "
            "JOIN questionnaire_rounds r ON r.programme_id = ps.programme_id "
            "WHERE t.token_hash = $1 ORDER BY 1",
            digest(generate.COACH_TOKEN),
        )
        report_organisation = await conn.fetchval(
            "SELECT id::text FROM organisations WHERE kind = 'ngo' ORDER BY name LIMIT 1"
        )
    finally:
        await conn.close()
    return Data(
        worker_clients=[row[0] for row in worker_clients],
        programmes=[row[0] for row in programmes],
        coach_sessions=[(row[0], list(row[1])) for row in sessions],
        coach_plans=[row[0] for row in plans],
        report_organisation=report_organisation,
        sms_senders=[row[0] for row in sms_senders],
        coach_rounds=[row[0] for row in rounds],
    )


@dataclass
class Scenario:
    name: str
    title: str
    requests: Callable[[Data], list[Request]]
    token: str
    floor: Callable[[Data], list[Request]] | None = None
    # Budgets: at least this share of the floor's throughput; at most this much
    # slower on the largest data than on data ten times smaller.
    floor_min_ratio: float | None = None
    scale_max_ratio: float | None = None
    # A peer server doing the same job (Radicale), and the least throughput ratio to it.
    peer: str | None = None
    peer_min_ratio: float | None = None
    connections: int = DEFAULT_CONNECTIONS
    # "http" is driven by wrk; "delivery" sends reminders through the worker;
    # "follow_up_pass" runs the daily follow-up pass on the largest data.
    kind: str = "http"
    # Absolute budgets, on the largest data.
    min_rps: float | None = None
    max_p99_ms: float | None = None
    # New requests for every run: each may be answered only once (an SMS gateway id).
    fresh_requests: bool = False
    # Measured on the largest data only (a comparison that data size does not change).
    largest_only: bool = False


def _attendance_puts(data: Data) -> list[Request]:
    """Two versions of each session's attendance, alternated, so every PUT writes."""
    requests = []
    for variant in ("present", "absent"):
        for session_id, clients in data.coach_sessions:
            records = [
                {"client_id": c, "status": variant if i % 3 == 0 else "present"}
                for i, c in enumerate(clients)
            ]
            body = json.dumps({"records": records})
            requests.append(Request("PUT", f"/api/v1/sessions/{session_id}/attendance", body))
    return requests


# What clients reply, in about these shares: most answer, some write, a few numbers
# belong to nobody.
_REPLIES = [("K", 40), ("joo", 5), ("E", 30), ("Kiitos, nähdään tiistaina!", 20), ("?", 5)]
_UNKNOWN_SHARE = 0.05
SMS_REPLIES_PER_RUN = 20_000  # more than a round can send at thousands a second


def _sms_replies(data: Data) -> list[Request]:
    """Signed gateway callbacks, each with a gateway id never used before."""
    rng = random.Random()
    texts = [text for text, _ in _REPLIES]
    weights = [weight for _, weight in _REPLIES]
    requests = []
    for _ in range(SMS_REPLIES_PER_RUN):
        sender = (
            f"+35845{rng.randrange(10**6, 10**7)}"
            if rng.random() < _UNKNOWN_SHARE or not data.sms_senders
            else rng.choice(data.sms_senders)
        )
        body = json.dumps(
            {"id": f"bench-{uuid.uuid4()}", "from": sender, "text": rng.choices(texts, weights)[0]}
        )
        signed = signature(generate.SMS_INBOUND_SECRET, body.encode())
        requests.append(Request("POST", "/api/v1/sms/inbound", body, ((HEADER, signed),)))
    return requests


SCENARIOS = [
    Scenario(
        name="client_read",
        title="GET /api/v1/clients/{id}",
        requests=lambda d: [Request("GET", f"/api/v1/clients/{c}") for c in d.worker_clients],
        token=generate.WORKER_TOKEN,
        floor=lambda d: [Request("GET", f"/floor/clients/{c}") for c in d.worker_clients],
        floor_min_ratio=0.40,
    ),
    Scenario(
        name="observability",
        title="GET /api/v1/clients/{id}, logs and metrics on (peer: both off)",
        requests=lambda d: [Request("GET", f"/api/v1/clients/{c}") for c in d.worker_clients],
        token=generate.WORKER_TOKEN,
        # The same app with POLKU_ACCESS_LOG=false and POLKU_METRICS=false: what a JSON
        # access line and the request histogram cost the hot read (issue 23: ≤ 5 %).
        peer="unobserved",
        peer_min_ratio=0.95,
        largest_only=True,
    ),
    Scenario(
        name="programme_read",
        title="GET /api/v1/programmes/{id}",
        requests=lambda d: [Request("GET", f"/api/v1/programmes/{p}") for p in d.programmes],
        token=generate.WORKER_TOKEN,
        scale_max_ratio=1.5,
    ),
    Scenario(
        name="feed_read",
        title="GET /feeds/{token}.ics (40 events)",
        requests=lambda d: [Request("GET", f"/feeds/{generate.FEED_TOKEN}.ics")],
        token=generate.WORKER_TOKEN,
        floor=lambda d: [Request("GET", "/floor/feed")],
        floor_min_ratio=0.50,
        peer="radicale",
        peer_min_ratio=1.0,
    ),
    Scenario(
        name="page_read",
        title="GET /p/{token} (8 sessions, 2 meetings)",
        requests=lambda d: [Request("GET", f"/p/{PAGE_TOKEN}")],
        token=generate.WORKER_TOKEN,
        floor=lambda d: [Request("GET", "/floor/page")],
        floor_min_ratio=0.50,
        scale_max_ratio=1.5,
    ),
    Scenario(
        name="reminder_delivery",
        title="Reminder delivery: 10,000 e-mails to loopback SMTP (msg/s)",
        requests=lambda d: [],
        token="",
        floor_min_ratio=0.50,
        kind="delivery",
    ),
    Scenario(
        name="attendance_write",
        title="PUT /api/v1/sessions/{id}/attendance (12 people)",
        requests=_attendance_puts,
        token=generate.COACH_TOKEN,
        scale_max_ratio=1.5,
    ),
    Scenario(
        name="stalled_paths",
        title="GET /api/v1/referrals?stalled=true (a worker's 200 clients)",
        requests=lambda d: [Request("GET", "/api/v1/referrals?stalled=true&limit=200")],
        token=generate.WORKER_TOKEN,
        scale_max_ratio=1.5,
        max_p99_ms=150,  # issue 25, at 500,000 clients
    ),
    Scenario(
        name="plan_read",
        title="GET /api/v1/plans/{id} (6 goals, 40 ratings)",
        requests=lambda d: [Request("GET", f"/api/v1/plans/{p}") for p in d.coach_plans],
        token=generate.COACH_TOKEN,
        min_rps=2000,  # issue 25
    ),
    Scenario(
        name="gas_read",
        title="GET /api/v1/plans/{id}/gas (6 goals, 40 ratings)",
        requests=lambda d: [Request("GET", f"/api/v1/plans/{p}/gas") for p in d.coach_plans],
        token=generate.COACH_TOKEN,
        min_rps=2000,  # issue 25
    ),
    Scenario(
        name="outcomes_report",
        title="GET /api/v1/reports/outcomes (an NGO's year)",
        requests=lambda d: [
            Request("GET", f"/api/v1/reports/outcomes?organisation_id={d.report_organisation}")
        ],
        token=generate.ANALYST_TOKEN,
        scale_max_ratio=1.5,
        max_p99_ms=300,  # issue 25, at 500,000 clients
        # A few analysts at once. At 50 connections a report of a tenth of a second
        # queues for seconds, and a 5-second round completes about one request per
        # connection: its throughput and p99 said more about the round's start than
        # about the report.
        connections=4,
    ),
    Scenario(
        name="support_report",
        title="GET /api/v1/reports/support (an NGO's year, by programme and kind)",
        requests=lambda d: [
            Request("GET", f"/api/v1/reports/support?organisation_id={d.report_organisation}")
        ],
        token=generate.ANALYST_TOKEN,
        scale_max_ratio=1.5,
        connections=4,  # a few analysts at once, as for the outcomes report
    ),
    Scenario(
        name="questionnaire_results",
        title="GET /api/v1/questionnaire-rounds/{id}/results (about 12 answers each)",
        requests=lambda d: [
            Request("GET", f"/api/v1/questionnaire-rounds/{r}/results") for r in d.coach_rounds
        ],
        token=generate.COACH_TOKEN,
        min_rps=500,
    ),
    Scenario(
        name="worklist",
        title="GET /api/v1/me/worklist (a coach: 3 groups, 40 plans, 200 clients)",
        requests=lambda d: [Request("GET", "/api/v1/me/worklist")],
        token=WORKLIST_TOKEN,
        min_rps=300,
        scale_max_ratio=1.5,
    ),
    Scenario(
        name="follow_up_pass",
        title="Daily follow-up pass: 5,000 due, two passes at once (questions/s)",
        requests=lambda d: [],
        token="",
        kind="follow_up_pass",
    ),
    Scenario(
        name="sms_inbound",
        title="POST /api/v1/sms/inbound (signed replies)",
        requests=_sms_replies,
        token="",
        connections=20,
        min_rps=300,
        max_p99_ms=100,
        fresh_requests=True,
    ),
]
