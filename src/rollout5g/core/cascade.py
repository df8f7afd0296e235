"""Roll-up of a provincial task from the sub-tasks its cities carry (省级任务分解到市: 任务状态由各市汇总).

A provincial task of the Zhejiang task division is led by provincial units and carried out in every city: the lead
unit assigns it to the cities as city sub-tasks, each with its own deadline and target; each city accepts (签收),
reports (报送) and the provincial unit closes (办结) or returns (退回) it. The provincial task's status follows from
its cities by the first rule that holds, in this order:

``not-carried-down``  no city sub-task yet: the task has not been carried down (status None: supervision as usual);
``all-closed``        every city's sub-task is closed → ``closed``;
``cities-overdue``    at least one city is past its sub-task's deadline without having reported (a city that
                      reported waits for the provincial review, which is not the city's delay) → ``in_progress``,
                      late (the cities are named);
``all-reported``      every city has reported (or is closed) → ``submitted`` (awaiting the provincial review);
``under-way``         at least one city has accepted → ``in_progress``;
``awaiting-acceptance``  no city has accepted yet → ``assigned``.

The statuses are the policy tasks' flow states (assigned, accepted, in_progress, submitted, closed). No Django here:
the rule is tested with hand-made facts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

ASSIGNED, ACCEPTED, REPORTED, CLOSED = "assigned", "accepted", "reported", "closed"
CITY_STATES = (ASSIGNED, ACCEPTED, REPORTED, CLOSED)
RULES = ("not-carried-down", "all-closed", "cities-overdue", "all-reported", "under-way", "awaiting-acceptance")


@dataclass(frozen=True)
class CityFact:
    """One city's sub-task: ``city`` (a name or code), its ``state`` and ``deadline``."""

    city: str
    state: str
    deadline: dt.date | None = None

    def __post_init__(self):
        if self.state not in CITY_STATES:
            raise ValueError(f"unknown city sub-task state {self.state!r}; valid: {', '.join(CITY_STATES)}")

    def overdue(self, today: dt.date) -> bool:
        return self.state in (ASSIGNED, ACCEPTED) and self.deadline is not None and self.deadline < today


@dataclass(frozen=True)
class RollUp:
    """``status``: the provincial task's flow status (None when not carried down); ``rule``: the rule that fired;
    ``late``: the cities past their deadline; ``counts``: sub-tasks per state; ``total``: number of cities."""

    status: str | None
    rule: str
    late: tuple[str, ...] = ()
    counts: dict[str, int] = field(default_factory=dict)
    total: int = 0

    @property
    def closed_share(self) -> float:
        return self.counts.get(CLOSED, 0) / self.total if self.total else 0.0


def roll_up(cities: Sequence[CityFact], today: dt.date) -> RollUp:
    """The provincial task's status from its cities' sub-tasks on ``today`` (see the module's rules)."""
    counts = {state: 0 for state in CITY_STATES}
    for fact in cities:
        counts[fact.state] += 1
    total = len(cities)
    if not total:
        return RollUp(None, "not-carried-down", counts=counts, total=0)
    if counts[CLOSED] == total:
        return RollUp("closed", "all-closed", counts=counts, total=total)
    late = tuple(f.city for f in cities if f.overdue(today))
    if late:
        return RollUp("in_progress", "cities-overdue", late=late, counts=counts, total=total)
    if counts[REPORTED] + counts[CLOSED] == total:
        return RollUp("submitted", "all-reported", counts=counts, total=total)
    if counts[ACCEPTED] + counts[REPORTED] + counts[CLOSED]:
        return RollUp("in_progress", "under-way", counts=counts, total=total)
    return RollUp("assigned", "awaiting-acceptance", counts=counts, total=total)
