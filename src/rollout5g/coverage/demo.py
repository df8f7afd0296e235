"""Demo: whole-city coverage runs of the demo network, computed synchronously so the coverage page, the coverage
indicators and the leadership dashboard have data from the start.

One run per year-end of the policy's coverage targets (2019, 2020, 2021: the indicators due in those years are
measured on the network of that date) at ``DEMO_RESOLUTION_M`` = 100 m (about 0.46 million pixels, ~2 s each
here; the web form defaults to 20 m). Idempotent: a completed demo run whose files are present is kept; a missing
or failed one is computed again.
"""

from __future__ import annotations

import datetime as dt

DEMO_RESOLUTION_M = 100.0
DEMO_TITLE_PREFIX = "演示："  # run titles are data, in the interface's language


DEMO_YEARS = (2019, 2020, 2021)


def load_demo(*, password: str) -> list[str]:
    return [_demo_run(dt.date(year, 12, 31)) for year in DEMO_YEARS]


def _demo_run(as_of: dt.date) -> str:
    from rollout5g.accounts.models import User

    from .models import CoverageRun
    from .services import run_inline, start_run

    existing = (CoverageRun.objects.filter(title__startswith=DEMO_TITLE_PREFIX, as_of=as_of,
                                           succeeded_at__isnull=False).order_by("-pk").first())
    if existing is not None and (existing.output_dir / "summary.json").exists():
        return f"coverage: demo run #{existing.pk} kept ({existing.covered_share:.1%} covered)"
    office = User.objects.filter(username="office").first()
    if office is None:
        return "coverage: no demo run (the demo user 'office' is missing)"
    run = start_run(office, resolution_m=DEMO_RESOLUTION_M, as_of=as_of,
                    title=f"{DEMO_TITLE_PREFIX}全市 · 全部频段 · {DEMO_RESOLUTION_M:g} m · {as_of:%Y-%m-%d}")
    run = run_inline(run)
    if not run.succeeded:
        return f"coverage: demo run #{run.pk} failed: {(run.job.error if run.job else '').splitlines()[:1]}"
    return (f"coverage: demo run #{run.pk}, {run.cell_count} cells, {run.pixel_count} pixels at "
            f"{DEMO_RESOLUTION_M:g} m, {run.covered_share:.1%} covered, {run.seconds:.1f} s")
