import datetime as dt

from django.db.models import Count, Q
from django.shortcuts import render
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language

from rollout5g.platform.routes import public
from rollout5g.policy.cache import data_version, memoize
from rollout5g.policy.choices import TaskStatus
from rollout5g.policy.indicators import target_rows
from rollout5g.policy.models import Indicator, PolicyDocument, PolicyTask


def _indicator_rows(indicator, today, version):
    """Targets of one indicator against the values observed, computed once per data version (policy.cache)."""
    # the rows hold translated text (where a value comes from): one entry per language
    return memoize("web.home.targets", (indicator.pk, today, get_language()), lambda: target_rows(indicator, today, version=version),
                   version=version)


@public
def home(request):
    """The programme at a glance: tasks by status per document, targets against actual values so far.

    Made once per data version, reader and day (``{% datacache %}``): four queries whatever the data — documents,
    task counts by document and status (with the overdue ones), the indicators with targets and the data version;
    the targets against actual values are computed when the data changes (:mod:`rollout5g.policy.cache`)."""

    def data():
        today = dt.date.today()
        documents = PolicyDocument.objects.restrict(request.user).order_by("level", "key")
        counts = (
            PolicyTask.objects.restrict(request.user).order_by().values("document_id", "status")
            .annotate(n=Count("id"),
                      overdue=Count("id", filter=Q(deadline__lt=today) & ~Q(status=TaskStatus.CLOSED)))
        )
        by_doc, overdue = {}, {}
        for row in counts:
            by_doc.setdefault(row["document_id"], {})[row["status"]] = row["n"]
            overdue[row["document_id"]] = overdue.get(row["document_id"], 0) + row["overdue"]
        status_table = [
            {
                "document": doc,
                "counts": [(s, label, by_doc.get(doc.pk, {}).get(s, 0), TaskStatus.colour(s))
                           for s, label in TaskStatus.choices],
                "total": sum(by_doc.get(doc.pk, {}).values()),
                "overdue": overdue.get(doc.pk, 0),
            }
            for doc in documents
        ]
        version = data_version()
        indicators = [
            {"indicator": indicator, "rows": _indicator_rows(indicator, today, version)}
            for indicator in Indicator.objects.restrict(request.user).filter(targets__isnull=False).distinct()
        ]
        base_stations = next((i for i in indicators if i["indicator"].source == "registry.on_air_base_stations"), None)
        return {"status_table": status_table, "indicators": indicators, "base_stations": base_stations, "today": today}

    # read only when the page's part is rendered, not when it is kept ({% datacache %} in the template); the chart
    # script is loaded when the base-station indicator has targets (one query)
    charts = (Indicator.objects.restrict(request.user)
              .filter(targets__isnull=False, source="registry.on_air_base_stations").exists())
    return render(request, "web/home.html", {"data": SimpleLazyObject(data), "charts": charts})
