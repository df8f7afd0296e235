"""Background jobs of the open list: the site recommendation (``resources.recommend``)."""

from rollout5g.platform.jobs import job_handler

from .recommend import JOB_KIND


@job_handler(JOB_KIND)
def run_recommendation(job, report):
    """Run :func:`recommend.recommend_sites` with the job's parameters; the result (proposals, shares, gap,
    exclusions, timings) is stored on the job as JSON."""
    from .recommend import recommend_sites

    p = job.params
    return recommend_sites(area=p["area"], n_sites=p.get("n_sites"), target_share=p.get("target_share"),
                           band=p.get("band", "n78"), operator=p.get("operator"), method=p.get("method", "greedy"),
                           min_spacing_m=p.get("min_spacing_m", 250.0), resolution_m=p.get("resolution_m", 50.0),
                           progress=report)
