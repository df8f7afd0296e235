from django.shortcuts import render

from rollout5g.platform.pagination import paginate_lazily
from rollout5g.platform.routes import signed_in

from .models import AuditEvent
from .presentation import describe_events


@signed_in
def event_list(request):
    queryset = AuditEvent.objects.restrict(request.user).select_related("actor").order_by("-seq")
    for key in ("object_type", "object_id", "action", "actor_label"):
        if request.GET.get(key):
            queryset = queryset.filter(**{key: request.GET[key]})
    page, query = paginate_lazily(request, lambda: queryset, shown=lambda events: describe_events(list(events)))
    # the list is kept per data version ({% datacache %}), which sign-ins do not change: the newest event is part
    # of the key, so a sign-in is listed at once
    newest = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first()
    return render(request, "audit/event_list.html", {"page": page, "query": query, "params": request.GET,
                                                     "newest": newest})
