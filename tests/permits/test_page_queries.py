"""The approvals pages cost a bounded number of queries, however many applications, items and clocks they show:
more applications than a page holds, each with its items in review, its pauses and its extensions (every clock of
the page used to read its own pauses, extensions and calendar: 234 queries for the office on the demo)."""

import datetime as dt

import pytest

from rollout5g.permits.models import Application, ClockExtension, ClockPause

pytestmark = pytest.mark.django_db

#: More than one page of the application list (50) and of the review queue.
COPIES = 55


def _copy(obj, **changes):
    obj.pk = obj.id = None
    obj._state.adding = True
    for name, value in changes.items():
        setattr(obj, name, value)
    obj.save()
    return obj


@pytest.fixture
def many_in_review(users):
    """``COPIES`` copies of the demo's application under review, each with its sites, items, a pause and an
    extension."""
    source = Application.objects.get(state="under_review", title__startswith="[示例]")
    entries = list(source.sites.all())
    items = list(source.items.all())
    for n in range(COPIES):
        app = _copy(Application.objects.get(pk=source.pk), code=f"YJSQ{n:08d}")
        new_entries = {e.pk: _copy(type(e).objects.get(pk=e.pk), application=app) for e in entries}
        copies = [_copy(type(i).objects.get(pk=i.pk), application=app, app_site=new_entries[i.app_site_id])
                  for i in items]
        ClockPause.objects.create(application=app, item=copies[0], kind="survey", start=app.accepted_on,
                                  end=app.accepted_on + dt.timedelta(days=3), reason="test")
        ClockExtension.objects.create(application=app, item=copies[0], days=5, reason="test",
                                      approved_on=app.accepted_on, approved_by=users["office"])
    return source


def test_the_office_overview_costs_the_same_queries_for_many_applications(many_in_review, client_for,
                                                                          django_assert_max_num_queries):
    client = client_for("office")
    with django_assert_max_num_queries(20):
        r = client.get("/approvals/")
    assert r.status_code == 200
    body = r.content.decode()
    assert body.count('data-clock="legal"') >= 50 + 50  # a full page of applications and a long queue, with clocks
    assert 'id="approval-summary"' in body


def test_a_department_queue_costs_the_same_queries_for_many_items(many_in_review, client_for,
                                                                  django_assert_max_num_queries):
    client = client_for("planning")
    with django_assert_max_num_queries(20):
        r = client.get("/approvals/")
    assert r.status_code == 200
    assert 'id="review-queue"' in r.content.decode()


def test_the_clocks_on_the_list_are_those_of_the_application_page(many_in_review, client_for):
    """Read once for the page or per application, the clocks say the same (the pause and the extension count)."""
    from rollout5g.permits import selectors

    app = Application.objects.get(code="YJSQ00000000")
    item = app.items.filter(pauses__isnull=False).get()
    one = selectors.item_clocks(item)
    shared = selectors.item_clocks(item, inputs=selectors.ClockInputs([app]))
    assert [(c.label, c.status.due, c.extension_days) for c in one] == \
        [(c.label, c.status.due, c.extension_days) for c in shared]
    assert one[0].extension_days == 5
    plain = selectors.item_clocks(many_in_review.items.get(item_type=item.item_type, app_site__site=item.app_site.site))
    assert one[0].status.due.date > plain[0].status.due.date  # paused and extended: due later


def test_the_history_names_materials_and_rules_not_their_codes(users):
    """A material in the history is its name (站址总平面图: plan.pdf); an item's note explains its rules."""
    from rollout5g.audit.models import AuditEvent
    from rollout5g.permits import services

    draft = Application.objects.get(state="draft", title__startswith="[示例]")
    applicant = draft.applicant.users.get(role="operator")
    required = services.required_materials(draft)
    wanted = required[0]
    services.material_upload(actor=applicant, application=draft, code=wanted["code"], file_name="plan.pdf",
                             content=b"%PDF-1.4 test")
    event = AuditEvent.objects.filter(object_type="permits.material").order_by("-seq").first()
    assert event.object_repr == f"{wanted['name']}: plan.pdf" and wanted["code"] not in event.object_repr
    submitted = services.application_submit(actor=applicant, application=draft)
    item = submitted.items.first()
    note = AuditEvent.objects.filter(object_type="permits.approvalitem", object_id=str(item.pk)).first().note
    assert not any(code in note for code in item.rule_codes)
