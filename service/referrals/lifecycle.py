"""A referral's lifecycle in FHIR Task vocabulary, as one table.

    requested ─► received ─► accepted ─► in-progress ─► completed
                     └─────► rejected        (on-hold from received, accepted or
                                              in-progress, and back to where it was)
    cancelled: by the referring side, from any open status
    failed:    the client never started (from accepted)

Who may make a move: the receiving side answers and runs the service, the referring
side cancels, either side may put on hold, resume, or record that the client never
started. Rejecting needs a reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Status = Literal[
    "requested",
    "received",
    "accepted",
    "rejected",
    "in-progress",
    "on-hold",
    "completed",
    "cancelled",
    "failed",
]
Side = Literal["referring", "receiving"]

STATUSES: tuple[Status, ...] = (
    "requested",
    "received",
    "accepted",
    "rejected",
    "in-progress",
    "on-hold",
    "completed",
    "cancelled",
    "failed",
)
CLOSED: frozenset[Status] = frozenset({"rejected", "completed", "cancelled", "failed"})
HOLDABLE: frozenset[Status] = frozenset({"received", "accepted", "in-progress"})

# From each status, the statuses it may move to. On-hold resumes to where it was held.
MOVES: dict[Status, frozenset[Status]] = {
    "requested": frozenset({"received", "cancelled"}),
    "received": frozenset({"accepted", "rejected", "on-hold", "cancelled"}),
    "accepted": frozenset({"in-progress", "on-hold", "cancelled", "failed"}),
    "in-progress": frozenset({"completed", "on-hold", "cancelled"}),
    "on-hold": frozenset({"cancelled"}),  # and back to held_from
    "rejected": frozenset(),
    "completed": frozenset(),
    "cancelled": frozenset(),
    "failed": frozenset(),
}
WHO_MOVES_TO: dict[Status, frozenset[Side]] = {
    "received": frozenset({"receiving"}),
    "accepted": frozenset({"receiving"}),
    "rejected": frozenset({"receiving"}),
    "in-progress": frozenset({"receiving"}),
    "completed": frozenset({"receiving"}),
    "cancelled": frozenset({"referring"}),
    "failed": frozenset({"referring", "receiving"}),
    "on-hold": frozenset({"referring", "receiving"}),
    "requested": frozenset(),
}
NEEDS_REASON: frozenset[Status] = frozenset({"rejected"})


@dataclass(frozen=True)
class IllegalMove(Exception):
    """The move is not in the table from this status."""

    current: Status
    target: Status
    allowed: list[Status]


@dataclass(frozen=True)
class NotYourMove(Exception):
    """The move exists, but the other side makes it."""

    target: Status
    sides: frozenset[Side]


@dataclass(frozen=True)
class ReasonRequired(Exception):
    target: Status


def moves_from(current: Status, held_from: Status | None = None) -> list[Status]:
    """Every status reachable in one move, in the table's order."""
    reachable = set(MOVES[current])
    if current == "on-hold" and held_from is not None:
        reachable.add(held_from)
    return [status for status in STATUSES if status in reachable]


def allowed_moves(
    current: Status, sides: frozenset[Side], held_from: Status | None = None
) -> list[Status]:
    """The moves these sides may make now (resuming from hold is for either side)."""
    return [
        target
        for target in moves_from(current, held_from)
        if (current == "on-hold" and target == held_from) or WHO_MOVES_TO[target] & sides
    ]


def check_move(
    current: Status,
    target: Status,
    *,
    sides: frozenset[Side],
    held_from: Status | None = None,
    reason: str | None = None,
) -> None:
    """Raise unless `sides` may move a referral from `current` to `target` now."""
    if target not in moves_from(current, held_from):
        raise IllegalMove(current, target, allowed_moves(current, sides, held_from))
    resuming = current == "on-hold" and target == held_from
    if not resuming and not WHO_MOVES_TO[target] & sides:
        raise NotYourMove(target, WHO_MOVES_TO[target])
    if target in NEEDS_REASON and not (reason and reason.strip()):
        raise ReasonRequired(target)
