"""Pages of the site recommendation (/open-list/recommend/): the form that queues a job, the job's progress and
result (table, map, exclusions), and the one-step conversion of proposals into site requests or planned sites."""

from __future__ import annotations

import datetime as dt
import io

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from rollout5g.core import csvsafe
from rollout5g.platform.access import ADD, VIEW, can_add
from rollout5g.platform.routes import roles
from rollout5g.platform.workflow import available_actions, roles_for

from ..models import SiteRequest
from .config import RecommendError
from .models import Recommendation
from .reasons import group_label, kind_label, reason_text, status_label, title
from .reasons import timings as phase_timings
from .selectors import area_choices, home_operators, recommendations_for
from .services import convert_proposals, submit_recommendation

BANDS = [("n78", "n78 (3.5 GHz)"), ("n41", "n41 (2.6 GHz)"), ("n28", "n28 (700 MHz)"), ("n79", "n79 (4.9 GHz)")]
#: Excluded candidates listed on the page (all of them are in the CSV download).
EXCLUDED_SHOWN = 100
RESOLUTIONS = [(25, "25 m"), (50, "50 m"), (100, "100 m"), (200, "200 m")]


class RecommendForm(forms.Form):
    area = forms.ChoiceField(label=gettext_lazy("Area (key area or county)"))
    n_sites = forms.IntegerField(label=gettext_lazy("New sites"), min_value=1, max_value=2000, required=False,
                                 initial=10)
    target_share = forms.FloatField(label=gettext_lazy("or covered-share target [%]"), min_value=1, max_value=100,
                                    required=False)
    band = forms.ChoiceField(label=gettext_lazy("Band"), choices=BANDS, initial="n78")
    operator = forms.ChoiceField(label=gettext_lazy("Existing network of"), required=False)
    exact = forms.BooleanField(label=gettext_lazy("Exact optimum (HiGHS) and gap"), required=False)
    min_spacing_m = forms.FloatField(label=gettext_lazy("Minimum spacing [m]"), min_value=0, max_value=5000,
                                     initial=250)
    resolution_m = forms.TypedChoiceField(label=gettext_lazy("Resolution"), choices=RESOLUTIONS, coerce=int,
                                          initial=50)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        groups = area_choices()
        labels = {"key areas": _("Key areas"), "counties": _("Counties")}
        self.fields["area"].choices = [(labels[g], items) for g, items in groups]
        all_ops = [("", _("all operators"))]
        if user is not None and (user.is_superuser or user.is_program_office):
            all_ops += [(o.code, o.short_name or o.name) for o in home_operators()]
        elif user is not None and user.organization is not None:
            all_ops.append((user.organization.code, str(user.organization)))
        self.fields["operator"].choices = all_ops

    def clean(self):
        data = super().clean()
        n, share = data.get("n_sites"), data.get("target_share")
        if (n is None) == (share is None):
            raise ValidationError(_("Give either a number of new sites or a covered-share target."))
        return data

@roles(*roles_for(Recommendation, ADD))
def index(request):
    form = RecommendForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            job = submit_recommendation(
                actor=request.user, area=d["area"], n_sites=d["n_sites"],
                target_share=d["target_share"] / 100.0 if d["target_share"] is not None else None,
                band=d["band"], operator=d["operator"] or None, method="exact" if d["exact"] else "greedy",
                min_spacing_m=d["min_spacing_m"], resolution_m=d["resolution_m"])
        except RecommendError as exc:
            form.add_error(None, str(exc))
        else:
            return redirect("recommend:detail", pk=job.pk)
    recent = list(recommendations_for(request.user)[:20])
    for job in recent:
        job.display_title = title(job)
    return render(request, "resources/recommend.html", {"form": form, "recent": recent})


@roles(*roles_for(Recommendation, VIEW))
def detail(request, pk: int):
    job = get_object_or_404(recommendations_for(request.user), pk=pk)
    if request.headers.get("HX-Request"):
        response = render(request, "resources/recommend_progress.html", {"job": job})
        if job.finished:
            response["HX-Refresh"] = "true"  # reload the page to show the result
        return response
    result = job.result if job.status == "succeeded" else None
    proposals, excluded, groups, excluded_total = [], [], [], 0
    if result:
        proposals = [{**p, "kind_label": kind_label(p["source"], p["kind"])} for p in result["proposals"]]
        excluded_total = len(result["excluded"])
        excluded = [{**e, "kind_label": kind_label(e["source"], e["kind"]), "reason_text": reason_text(e)}
                    for e in result["excluded"][:EXCLUDED_SHOWN]]
        groups = [(group_label(k), v) for k, v in result["counts"]["excluded"].items()]
    return render(request, "resources/recommend_detail.html", {
        "job": job, "title": title(job), "result": result, "proposals": proposals, "excluded": excluded,
        "excluded_total": excluded_total, "excluded_shown": min(EXCLUDED_SHOWN, excluded_total),
        "excluded_groups": groups, "status_label": status_label(result.get("status")) if result else "",
        "timings": phase_timings(result) if result else [],
        "this_year": dt.date.today().year,
        "actions": available_actions(request.user, job), "can_request": can_add(request.user, SiteRequest),
    })


@roles(*roles_for(Recommendation, VIEW))
def excluded_csv(request, pk: int):
    """Every excluded candidate of a finished recommendation as CSV (the page lists the first ones)."""
    job = get_object_or_404(recommendations_for(request.user), pk=pk)
    if job.status != "succeeded" or not job.result:
        raise Http404("the recommendation has no result")
    buf = io.StringIO()
    writer = csvsafe.writer(buf)
    writer.writerow([_("Candidate"), _("Name"), _("Source"), _("Kind"), _("Longitude"), _("Latitude"), _("Reason")])
    for e in job.result["excluded"]:
        writer.writerow([e["code"], e["name"], _("open list") if e["source"] == "resource" else _("special plan"),
                         kind_label(e["source"], e["kind"]), e["lon"], e["lat"], reason_text(e)])
    response = HttpResponse(("\ufeff" + buf.getvalue()).encode("utf-8"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="recommendation-{job.pk}-excluded.csv"'
    return response


@roles(*roles_for(Recommendation, "convert"))
@require_POST
def convert(request, pk: int):
    job = get_object_or_404(recommendations_for(request.user), pk=pk)
    try:
        ranks = [int(r) for r in request.POST.getlist("rank")]
        year = int(request.POST.get("planned_year") or dt.date.today().year)
    except ValueError:
        messages.error(request, _("Bad proposal number or year."))
        return redirect("recommend:detail", pk=job.pk)
    try:
        out = convert_proposals(actor=request.user, job=job, ranks=ranks, action=request.POST.get("action", ""),
                                planned_year=year)
    except (RecommendError, PermissionDenied) as exc:
        messages.error(request, str(exc))
    except ValidationError as exc:
        messages.error(request, "; ".join(exc.messages))
    else:
        if out["created"]:
            messages.success(request, _("Created: %(codes)s") % {"codes": ", ".join(out["created"])})
        for line in out["skipped"]:
            messages.warning(request, _("Skipped %(line)s") % {"line": line})
    return redirect("recommend:detail", pk=job.pk)
