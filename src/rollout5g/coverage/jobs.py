"""Background job of a coverage run (``coverage.run``), picked up by the jobs app's worker."""

from rollout5g.platform.jobs import job_handler


@job_handler("coverage.run")
def run_coverage_job(job, report):
    """Compute the run named in ``job.params["run"]``. Restartable: a re-queued job recomputes and overwrites."""
    from .models import CoverageRun
    from .services import execute_run

    run = CoverageRun.objects.get(pk=job.params["run"])
    return execute_run(run, report)
