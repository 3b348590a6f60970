"""The repeated-absence rule, without a database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from service.programmes.attendance import AbsenceVerdict, judge_absences

START = datetime(2027, 3, 11, 8, tzinfo=UTC)


def history(*statuses: str | None) -> list[tuple[str, datetime, str | None]]:
    return [(f"s{i + 1}", START + timedelta(weeks=i), s) for i, s in enumerate(statuses)]


def test_two_absences_in_a_row_flag_from_the_second() -> None:
    verdict = judge_absences(history("present", "absent", "absent"))
    assert verdict.flag_since == START + timedelta(weeks=2)
    assert verdict.absent_sessions == ("s2", "s3")


def test_a_longer_run_still_flags_from_its_second_absence() -> None:
    verdict = judge_absences(history("absent", "absent", "absent"))
    assert verdict.flag_since == START + timedelta(weeks=1)


def test_excused_or_unrecorded_sessions_break_the_run() -> None:
    assert judge_absences(history("absent", "excused", "absent")).flag_since is None
    assert judge_absences(history("absent", None, "absent")).flag_since is None
    assert judge_absences(history("absent")).flag_since is None


def test_sessions_not_yet_recorded_after_the_run_keep_it() -> None:
    assert judge_absences(history("absent", "absent", None)).flag_since is not None


def test_an_excused_absence_after_the_run_keeps_it() -> None:
    verdict = judge_absences(history("absent", "absent", "excused"))
    assert verdict.flag_since == START + timedelta(weeks=1)
    assert verdict.absent_sessions == ("s1", "s2")


def test_attending_after_the_run_leaves_no_flag() -> None:
    assert judge_absences(history("absent", "absent", "remote")).flag_since is None
    assert judge_absences(history("absent", "absent", "present", "absent")).flag_since is None
    again = judge_absences(history("absent", "absent", "present", "absent", "absent"))
    assert again.absent_sessions == ("s4", "s5")


def test_nothing_recorded_leaves_no_flag() -> None:
    assert judge_absences(history(None, None)) == judge_absences([]) == AbsenceVerdict()
