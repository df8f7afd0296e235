import datetime as dt

from django.db.models import Count
from django.shortcuts import render

from rollout5g.platform.routes import public
from rollout5g.policy.choices import TaskStatus
from rollout5g.policy.indicators import target_rows
from rollout5g.policy.models import Indicator, PolicyDocument, PolicyTask


@public
def home(request):
    """The programme at a glance: tasks by status per document, targets against actual values so far."""
    today = dt.date.today()
    documents = PolicyDocument.objects.restrict(request.user).order_by("level", "key")
    counts = (
        PolicyTask.objects.restrict(request.user).values("document_id", "status").annotate(n=Count("id"))
    )
    by_doc = {}
    for row in counts:
        by_doc.setdefault(row["document_id"], {})[row["status"]] = row["n"]
    status_table = [
        {
            "document": doc,
            "counts": [(s, label, by_doc.get(doc.pk, {}).get(s, 0), TaskStatus.colour(s)) for s, label in TaskStatus.choices],
            "total": sum(by_doc.get(doc.pk, {}).values()),
            "overdue": PolicyTask.objects.restrict(request.user)
            .filter(document=doc, deadline__lt=today)
            .exclude(status=TaskStatus.CLOSED)
            .count(),
        }
        for doc in documents
    ]
    indicators = [
        {"indicator": indicator, "rows": target_rows(indicator, today)}
        for indicator in Indicator.objects.restrict(request.user).filter(targets__isnull=False).distinct()
    ]
    base_stations = next((i for i in indicators if i["indicator"].source == "registry.on_air_base_stations"), None)
    return render(request, "web/home.html", {"status_table": status_table, "indicators": indicators,
                                             "base_stations": base_stations, "today": today})
