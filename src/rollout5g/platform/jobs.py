"""Job handlers by kind. A capability declares them in its ``jobs.py`` (imported by JobsConfig.ready):

    from rollout5g.platform.jobs import job_handler

    @job_handler("coverage.run")
    def run_coverage(job, report):
        report(0.5, "half way")      # fraction done 0..1 and a short message
        return {"covered_share": 0.93}   # JSON-serialisable result, stored on the job

    @periodic("permits.clock_warnings", minutes=60)
    def warn_deadlines():            # idempotent: run by every worker now and then
        ...
"""

from __future__ import annotations

from collections.abc import Callable

_HANDLERS: dict[str, Callable] = {}


def job_handler(kind: str):
    def register(func: Callable) -> Callable:
        _HANDLERS[kind] = func
        return func

    return register


#: name -> (function, interval in seconds). Periodic checks (deadline warnings, reminders) run in the worker.
_PERIODIC: dict[str, tuple[Callable, float]] = {}


def periodic(name: str, *, minutes: float):
    """Run ``func()`` every ``minutes`` in the job worker (deadline warnings, reminders). The function must be
    idempotent (use notification keys): several workers may run it."""

    def register(func: Callable) -> Callable:
        _PERIODIC[name] = (func, minutes * 60.0)
        return func

    return register


def periodic_checks() -> dict[str, tuple[Callable, float]]:
    return dict(_PERIODIC)


def handler_for(kind: str) -> Callable:
    try:
        return _HANDLERS[kind]
    except KeyError:
        raise LookupError(f"no handler for job kind {kind!r}; known: {', '.join(sorted(_HANDLERS))}") from None
