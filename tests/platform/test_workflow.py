"""Declared actions (rollout5g.platform.workflow): every declaration is well-formed, and the mechanism refuses what
it must — checked for every model of the platform that declares actions, so a new declaration is checked too."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.core.exceptions import FieldDoesNotExist

from rollout5g.platform.actors import SYSTEM, SystemActor
from rollout5g.platform.roles import Role
from rollout5g.platform.workflow import Action, authorize, declared, roles_for, transition


def _declarations():
    for model in apps.get_models():
        policy = getattr(model, "access_policy", None)
        for name, action in (policy.actions.items() if policy is not None else ()):
            yield model, name, action


DECLARED = list(_declarations())


def _resolve(model, path: str):
    for part in path.split("__"):
        field = model._meta.get_field(part)
        model = field.related_model or model
    return model


def test_the_apps_declare_their_workflow_steps():
    owners = {m._meta.app_label for m, _, _ in DECLARED}
    # the capability apps whose rows move through states take their steps through declared actions
    assert {"permits", "cases", "incentives", "resources", "program"} <= owners, owners


@pytest.mark.parametrize(("model", "name", "action"), DECLARED,
                         ids=[f"{m._meta.label}.{n}" for m, n, _ in DECLARED])
def test_each_declaration_is_well_formed(model, name, action):
    assert isinstance(action, Action)
    assert str(action.label).strip(), f"{model.__name__}.{name} has no label to show on a button"
    assert action.all_roles <= set(Role.values), action.all_roles - set(Role.values)
    assert action.all_roles or action.system, f"{model.__name__}.{name}: nobody may take it"
    if action.source or action.target:
        try:
            field = model._meta.get_field(action.field)
        except FieldDoesNotExist:
            pytest.fail(f"{model.__name__}.{name}: no state field {action.field!r}")
        states = {value for value, _ in field.flatchoices}
        if states:
            assert set(action.source) <= states, set(action.source) - states
            assert action.target is None or action.target in states, action.target
    policy = model.access_policy
    path = action.path if action.path is not None else policy.owner_path
    if action.roles:
        assert path, f"{model.__name__}.{name}: roles act on their organization's rows, but no path leads there"
    for p in (path,) if isinstance(path, str) else (path or ()):
        target = _resolve(model, p)
        assert target._meta.label == "organizations.Organization", f"{model.__name__}.{name}: {p} → {target}"
    assert declared(model, name) is action
    assert set(roles_for(model, name)) == set(action.all_roles)


@pytest.mark.django_db
@pytest.mark.parametrize(("model", "name", "action"), DECLARED,
                         ids=[f"{m._meta.label}.{n}" for m, n, _ in DECLARED])
def test_nobody_outside_the_declaration_gets_a_row(model, name, action, make_user):
    """``restrict(user, action)`` is the list of rows a user may take the step on: empty for anonymous users and
    for every role the declaration does not name (checked on the SQL, so it holds whatever rows exist)."""
    from django.contrib.auth.models import AnonymousUser

    from rollout5g.organizations.models import Organization

    assert not model._default_manager.all().restrict(AnonymousUser(), name).exists()
    organization = Organization.objects.order_by("pk").first()
    for role in sorted(set(Role.values) - action.all_roles):
        user = make_user(f"outsider-{role}", role=role, organization=organization)
        assert not model._default_manager.all().restrict(user, name).exists(), (role, name)


def test_a_missing_actor_is_refused_and_a_system_actor_is_named():
    model, name, _ = DECLARED[0]
    with pytest.raises(TypeError, match="actor"):
        transition(model(), name, actor=None)
    with pytest.raises(TypeError, match="actor"):
        authorize(None, name, model())
    assert SYSTEM.get_username() == "system"
    assert SystemActor("clock").get_username() == "system:clock"


def test_an_undeclared_action_is_an_error_not_a_silent_pass():
    model, _, _ = DECLARED[0]
    with pytest.raises(LookupError):
        declared(model, "no-such-step")
    with pytest.raises(ValueError, match="declares no action"):
        model._default_manager.all().restrict(SYSTEM, "no-such-step")


def test_no_service_checks_a_role_by_hand():
    """Who may take a step is declared on the model; a service never raises PermissionDenied itself."""
    import re
    from pathlib import Path

    import rollout5g

    root = Path(rollout5g.__file__).parent
    found = []
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root)
        if rel.parts[0] == "platform" or not ("services" in rel.parts or rel.stem.startswith("services")):
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if re.search(r"raise\s+PermissionDenied\b", line):
                found.append(f"{rel}:{number}")
    assert not found, "hand-written permission checks in services: " + ", ".join(found)
