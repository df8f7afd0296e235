"""The one generator of record codes and numbers (``YJS202600001``, ``SR-2026-0001``, ``PWR-2026-0001``, …).

"Highest code + 1" read without a lock hands the same code to two writers that run at the same time; on PostgreSQL
the second insert then fails on the unique index (HTTP 500 under load). Here every family of codes has a
:class:`~rollout5g.platform.writes.models.Counter` row that the caller's transaction locks (``SELECT … FOR UPDATE``
on PostgreSQL; SQLite's ``BEGIN IMMEDIATE`` already serialises writers) until it commits, so:

- two transactions never get the same number: the second waits for the first to commit and continues after it;
- a transaction that rolls back gives its number back (no gaps from failed creates);
- a family that has no counter yet starts after the highest code already stored (data loaded before the counter
  existed, demo data, imports), and a code taken by an explicit ``code=`` (imports) is skipped.

Call :func:`next_code` / :func:`next_value` inside the ``transaction.atomic()`` block that saves the record.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import connection, models

from .writes.models import Counter

__all__ = ["next_code", "next_number", "next_value"]


def next_value(key: str, *, seed: Callable[[], int] | int = 0, taken: Callable[[int], bool] | None = None) -> int:
    """Increment the counter ``key`` and return its new value; the row stays locked until the transaction ends.

    ``seed`` is the value a new counter starts from (a callable is asked only when the row does not exist yet);
    ``taken(n)`` says that ``n`` is already used, and the counter moves on past it.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("next_value() must run inside the transaction that saves the record (transaction.atomic)")
    row = Counter.objects.select_for_update().filter(key=key).first()
    if row is None:
        start = seed() if callable(seed) else int(seed)
        # Two first writers may both get here: the insert that loses does nothing (no error, no aborted
        # transaction on PostgreSQL) and the locking read below waits for the winner's commit.
        Counter.objects.bulk_create([Counter(key=key, value=start)], ignore_conflicts=True)
        row = Counter.objects.select_for_update().get(key=key)
    value = row.value + 1
    if taken is not None:
        for _ in range(100_000):  # bounded: codes given explicitly are a handful, never a long run
            if not taken(value):
                break
            value += 1
        else:
            raise RuntimeError(f"counter {key}: no free value after {row.value}")
    Counter.objects.filter(key=key).update(value=value)
    return value


def _highest_suffix(model: type[models.Model], field: str, prefix: str) -> int:
    """The highest number after ``prefix`` among the stored codes (0 when none); read once, when a counter starts."""
    highest = 0
    values = model._default_manager.filter(**{f"{field}__startswith": prefix}).values_list(field, flat=True)
    for code in values.iterator(chunk_size=5000):
        tail = code[len(prefix):]
        if tail.isdigit():
            highest = max(highest, int(tail))
    return highest


def next_code(*, model: type[models.Model], prefix: str, width: int, field: str = "code",
              key: str | None = None) -> str:
    """The next free ``<prefix><n>`` code of ``model.field`` with ``n`` zero-padded to ``width`` digits.

    ``key`` names the counter; by default the model's label and the prefix (``permits.application:YJS2026``), so each
    year or county prefix counts on its own.
    """
    key = key or f"{model._meta.label_lower}:{prefix}"
    manager = model._default_manager

    def taken(n: int) -> bool:
        return manager.filter(**{field: f"{prefix}{n:0{width}d}"}).exists()

    n = next_value(key, seed=lambda: _highest_suffix(model, field, prefix), taken=taken)
    return f"{prefix}{n:0{width}d}"


def next_number(*, model: type[models.Model], field: str = "number", key: str | None = None) -> int:
    """The next integer of ``model.field`` (batch numbers of the open list), after the highest stored one."""
    key = key or f"{model._meta.label_lower}:{field}"
    manager = model._default_manager

    def seed() -> int:
        return manager.aggregate(m=models.Max(field))["m"] or 0

    return next_value(key, seed=seed, taken=lambda n: manager.filter(**{field: n}).exists())
