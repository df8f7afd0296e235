"""Declared steps of supervision: extensions are decided by the office only, from "requested"; follow-up actions are
closed by their unit; a step without an actor is a programming error."""

import datetime as dt

import pytest

from rollout5g.audit.services import history_for
from rollout5g.platform.workflow import ActionRefused, ActionUnavailable
from rollout5g.policy.models import PolicyTask
from rollout5g.program import services
from rollout5g.program.models import Extension

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 16)


def _task(code):
    return PolicyTask.objects.filter(units__organization__code=code).first()


def test_extension_is_decided_once_by_the_office_and_named_in_the_audit(users):
    task = _task("jx-mobile")
    old = services.effective_deadline(task) or TODAY
    ext = services.extension_request(actor=users["mobile"], task=task, new_deadline=old + dt.timedelta(days=30),
                                     reason="协调延迟")
    with pytest.raises(ActionRefused):
        services.extension_decide(actor=users["mobile"], extension=ext, approve=True)
    services.extension_decide(actor=users["office"], extension=ext, approve=False, note="理由不足")
    assert Extension.objects.get(pk=ext.pk).state == "rejected"
    assert list(history_for(ext))[-1].note == "reject: 理由不足"
    with pytest.raises(ActionUnavailable):
        services.extension_decide(actor=users["office"], extension=ext, approve=True)


def test_a_step_without_an_actor_is_a_programming_error(users):
    task = _task("jx-mobile")
    with pytest.raises(TypeError):
        services.report_submit(actor=None, task=task, period=TODAY, text="x",
                               organization=users["mobile"].organization)
    with pytest.raises(TypeError):
        services.task_transition(actor=None, task=task, to_status="accepted")
