from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from rollout5g.platform.routes import signed_in

from .models import Notification
from .services import mark_read


@signed_in
def index(request):
    qs = Notification.objects.filter(recipient=request.user)
    if request.GET.get("unread"):
        qs = qs.filter(read_at__isnull=True)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "notifications/index.html", {"page": page, "unread_only": bool(request.GET.get("unread"))})


@signed_in
@require_POST
def read(request):
    ids = request.POST.getlist("id")
    mark_read(request.user, [int(i) for i in ids if i.isdigit()] if ids else None)
    return redirect(request.POST.get("next") or "notifications:index")
