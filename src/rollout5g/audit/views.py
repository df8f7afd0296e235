from django.shortcuts import render

from rollout5g.platform.pagination import paginate
from rollout5g.platform.routes import signed_in

from .models import AuditEvent
from .presentation import describe_events


@signed_in
def event_list(request):
    queryset = AuditEvent.objects.restrict(request.user).select_related("actor").order_by("-seq")
    for key in ("object_type", "object_id", "action", "actor_label"):
        if request.GET.get(key):
            queryset = queryset.filter(**{key: request.GET[key]})
    page, query = paginate(request, queryset)
    rows = describe_events(list(page))
    return render(request, "audit/event_list.html", {"page": page, "rows": rows, "query": query,
                                                     "params": request.GET})
