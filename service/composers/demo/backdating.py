"""The past moments the demo's records stand for, and moving records there.

Records are made through the domain services, then moved to their moment. The whole
seed is one transaction: every `now()` in it is the same instant, its start, and
anything stamped at or after it has not been moved yet. So a record's times are moved
without knowing the rules that set them: whatever the last step stamped is what moves
(which referral status sets which of a referral's times stays in its domain).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from service.base.clock import HELSINKI


def at(day: date, hour: int, minute: int = 0) -> datetime:
    """A Finnish wall-clock moment."""
    return datetime.combine(day, time(hour, minute), HELSINKI)


def on_or_before(day: date, weekday: int) -> date:
    return day - timedelta(days=(day.weekday() - weekday) % 7)


BACKDATE_CLIENT = "UPDATE clients SET created_at = $2, updated_at = $2 WHERE id = $1"
BACKDATE_CONSENTS = "UPDATE consents SET given_at = $2 WHERE client_id = $1"
BACKDATE_PROGRAMME = "UPDATE programmes SET created_at = $2, updated_at = $2 WHERE id = $1"
BACKDATE_ENROLMENT = "UPDATE enrolments SET created_at = $2, enrolled_at = $2 WHERE id = $1"
# What the last step did to referrals: its events (stamped by the clock, not `now()`),
# their notices to the referrer, and each referral's own times. $1 names the referral,
# or the programme whose referrals the step may have moved (attendance starts them).
BACKDATE_REFERRALS = """
    WITH e AS (
        UPDATE referral_events SET at = $2
        WHERE at >= now()
          AND referral_id IN (SELECT id FROM referrals WHERE $1::uuid IN (id, programme_id))
        RETURNING id, referral_id
    ), n AS (
        UPDATE notices SET created_at = $2 WHERE event_id IN (SELECT id FROM e)
    )
    UPDATE referrals SET
        created_at = CASE WHEN created_at >= now() THEN $2 ELSE created_at END,
        updated_at = $2,
        answered_at = CASE WHEN answered_at >= now() THEN $2 ELSE answered_at END,
        accepted_at = CASE WHEN accepted_at >= now() THEN $2 ELSE accepted_at END,
        started_at = CASE WHEN started_at >= now() THEN $2 ELSE started_at END,
        ended_at = CASE WHEN ended_at >= now() THEN $2 ELSE ended_at END
    WHERE id IN (SELECT referral_id FROM e)
"""
# Attendance of a session: recorded after it, and the flag for repeated absence it set
# off at the same moment (the referrals it started move with BACKDATE_REFERRALS).
BACKDATE_ATTENDANCE = """
    WITH a AS (UPDATE attendance SET recorded_at = $2 WHERE session_id = $1)
    UPDATE attention_flags SET created_at = $2 WHERE created_at = now()
"""
BACKDATE_PLAN = """
    WITH g AS (UPDATE goals SET created_at = $2, updated_at = $2 WHERE plan_id = $1)
    UPDATE plans SET created_at = $2, updated_at = $2 WHERE id = $1
"""
BACKDATE_RATING = "UPDATE goal_ratings SET created_at = $2 WHERE id = $1"
BACKDATE_ASSESSMENT = "UPDATE assessments SET created_at = $2 WHERE id = $1"
BACKDATE_CONTINUATION = "UPDATE continuation_plans SET updated_at = $2 WHERE plan_id = $1"
BACKDATE_FEEDBACK = "UPDATE programme_feedback SET recorded_at = $2 WHERE enrolment_id = $1"
