from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from rollout5g.platform.access import VIEW
from rollout5g.platform.routes import signed_in

from .models import Job
from .services import job_cancel


@signed_in
def index(request):
    qs = Job.objects.restrict(request.user, VIEW).select_related("created_by")
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "jobs/index.html", {"page": page})


@signed_in(record="jobs.Job", lookup=("pk", "pk"))
def detail(request, pk: int):
    job = get_object_or_404(Job.objects.restrict(request.user, VIEW), pk=pk)
    template = "jobs/_progress.html" if request.headers.get("HX-Request") else "jobs/detail.html"
    return render(request, template, {"job": job})


@signed_in
@require_POST
def cancel(request, pk: int):
    job = get_object_or_404(Job.objects.restrict(request.user, VIEW), pk=pk)
    if job.created_by_id == request.user.pk or request.user.is_superuser:
        job_cancel(request.user, job)
    return redirect("jobs:detail", pk=job.pk)
