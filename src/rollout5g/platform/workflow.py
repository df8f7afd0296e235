"""Declared actions and the one way to take them.

A model declares every step of its workflow once, in its access policy::

    access_policy = AccessPolicy(
        owner_path="applicant",
        grants={"view": PARTIES},
        actions={
            "submit": Action(_("submit"), roles=grant(Role.OPERATOR), source=(DRAFT,), target=RECEIVED),
            "accept": Action(_("accept"), all_rows=PROGRAM_OFFICE_ONLY, source=(RECEIVED,), target=ACCEPTED),
            "decide": Action(_("decide"), roles=grant(Role.DEPARTMENT), path="items__department",
                             source=(IN_REVIEW,)),
        },
    )

and a service takes it with :func:`transition` (a state change) or :func:`authorize` (a step that changes other
rows: a comment, a signature, a payment record). Both check the declaration — the actor's role, the organization
path, the source state — inside the caller's transaction, on the row locked for update; :func:`transition` also sets
the target state and any other fields and writes the audit row. A page or an API response asks
:func:`available_actions` what to offer, so no one is shown a form that can only fail.

The actor is a user or :data:`rollout5g.platform.actors.SYSTEM` (a clock, the demo loader, an import job); ``None``
is refused. The audit row is written by the recorder the deployment names in ``ROLLOUT5G_AUDIT_RECORDER`` (the audit
app's ``record_changes``): the platform does not import the app above it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils.functional import Promise
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from . import tenancy
from .access import ACTIONS, AccessPolicy, can, can_add


@dataclass(frozen=True)
class Action:
    """One declared step of a model's workflow.

    label: what the step is called on a button and in the history ("受理").
    roles: roles that may take it on the rows their organization reaches through ``path``.
    all_rows: roles that may take it on every row (the programme office's one-stop window).
    path: ORM path(s) from the model to the acting organization; defaults to the policy's ``owner_path``.
    source: states the step starts from (empty: any state); ``field`` names the state field.
    target: the state it moves to (None: the state does not change).
    condition: a further condition on the row (``Q(survey__state="signed")``), checked like the source state.
    system: whether a process (:data:`~rollout5g.platform.actors.SYSTEM`) may take it on its own.
    """

    label: str | Promise
    roles: frozenset[str] = frozenset()
    all_rows: frozenset[str] = frozenset()
    path: str | tuple[str, ...] | None = None
    source: tuple[str, ...] = ()
    target: str | None = None
    field: str = "state"
    condition: Q | None = None
    system: bool = True
    doc: str = ""  # why the condition exists, shown when it is not met

    @property
    def all_roles(self) -> frozenset[str]:
        return self.roles | self.all_rows


class ActionRefused(PermissionDenied):
    """The actor may not take this step on this row (wrong role, not its organization's row)."""


class ActionUnavailable(ValidationError):
    """The step is declared and the actor may take it, but not now: the row is in another state."""


def _policy(model) -> AccessPolicy:
    policy = getattr(model, "access_policy", None)
    if policy is None:
        raise LookupError(f"{model.__name__} declares no access policy")
    return policy


def declared(model, name: str) -> Action:
    """The declaration of action ``name`` of ``model`` (a class or an instance); LookupError if there is none."""
    model = model if isinstance(model, type) else type(model)
    try:
        return _policy(model).actions[name]
    except KeyError:
        raise LookupError(f"{model.__name__} declares no action {name!r}") from None


def roles_for(model, name: str) -> tuple[str, ...]:
    """The roles that may take ``name`` on some row of ``model``: what a route's ``@roles(...)`` admits, so the
    generic access tests read the same declaration as the service."""
    if name in ACTIONS:
        policy = _policy(model)
        return tuple(sorted(policy.grants.get(name, frozenset()) | policy.all_rows.get(name, frozenset())))
    return tuple(sorted(declared(model, name).all_roles))


def _check_actor(actor) -> None:
    if actor is None:
        raise TypeError("an action needs its actor: a user, or rollout5g.platform.actors.SYSTEM for a process")


def _in_state(action: Action, obj) -> bool:
    return not action.source or getattr(obj, action.field) in action.source


def _state_label(obj, state_field: str, value) -> str:
    try:
        choices = dict(type(obj)._meta.get_field(state_field).flatchoices)
    except Exception:  # noqa: BLE001 - a field without choices shows its value
        choices = {}
    return str(choices.get(value, value))


def allowed(actor, name: str, obj) -> bool:
    """True if ``actor`` may take action ``name`` on ``obj`` now (role, organization path, state, condition)."""
    if actor is None:
        return False
    if name in ACTIONS:
        return can(actor, name, obj)
    return type(obj)._default_manager.all().restrict(actor, name).filter(pk=obj.pk).exists()


def authorize(actor, name: str, obj) -> None:
    """Raise :class:`ActionRefused` if ``actor`` may not take ``name`` on ``obj``, or :class:`ActionUnavailable` if
    it may but not in the row's present state. Call it inside the transaction that takes the step."""
    _check_actor(actor)
    if name in ACTIONS:
        if not can(actor, name, obj):
            raise ActionRefused(_("You may not do this with %(object)s.") % {"object": obj})
        return
    action = declared(obj, name)
    if allowed(actor, name, obj):
        return
    # tell the two refusals apart: would the actor be allowed in a state where the step is open?
    unconditioned = Action(action.label, roles=action.roles, all_rows=action.all_rows, path=action.path,
                           system=action.system)
    policy = _policy(type(obj))
    queryset = type(obj)._default_manager.filter(pk=obj.pk)
    if not queryset._restrict_declared(actor, unconditioned, policy).exists():
        raise ActionRefused(_("You may not %(action)s %(object)s.") % {"action": action.label, "object": obj})
    if not _in_state(action, obj):
        needed = "、".join(_state_label(obj, action.field, s) for s in action.source)
        raise ActionUnavailable(
            _("Cannot %(action)s %(object)s: it is %(state)s; this needs: %(needed)s.")
            % {"action": action.label, "object": obj, "state": _state_label(obj, action.field,
                                                                             getattr(obj, action.field)),
               "needed": needed})
    raise ActionUnavailable(_("Cannot %(action)s %(object)s yet: %(reason)s")
                            % {"action": action.label, "object": obj, "reason": action.doc or _("a condition is not met")})


def authorize_create(actor, model, *, owner=None, region=None) -> None:
    """Raise :class:`ActionRefused` unless ``actor``'s role may create ``model`` rows — for ``owner`` (an
    organization) when the role may add only its own organization's rows, and in ``region`` (a Region or an
    adcode, for a place-bound record) when it lies outside the actor's region scope (docs/tenancy.md)."""
    _check_actor(actor)
    if getattr(actor, "is_system", False) or actor.is_superuser:
        return
    if region is not None and not tenancy.in_region_scope(actor, region):
        raise ActionRefused(_("You may not create records for %(region)s: it lies outside your region.")
                            % {"region": getattr(region, "name", region)})
    policy = _policy(model)
    if actor.role in policy.all_rows.get("add", ()):
        return
    if not can_add(actor, model) or (owner is not None and getattr(owner, "pk", owner) != actor.organization_id):
        raise ActionRefused(_("You may not create %(model)s here.") % {"model": model._meta.verbose_name})


def available_actions(actor, obj, names: Iterable[str] | None = None) -> dict[str, bool]:
    """``{action: allowed now}`` for the declared actions of ``obj`` (or ``names``): what a page offers."""
    policy = _policy(type(obj))
    names = list(policy.actions) if names is None else list(names)
    return {name: allowed(actor, name, obj) for name in names}


def _record(*, actor, obj, before: dict, note: str, action: str):
    recorder = import_string(settings.ROLLOUT5G_AUDIT_RECORDER)
    return recorder(actor=actor, obj=obj, before=before, action=action, note=note)


def _snapshot(obj) -> dict:
    return import_string(settings.ROLLOUT5G_AUDIT_SNAPSHOT)(obj)


def transition(obj: models.Model, name: str, *, actor, note: str = "", audit_action: str = "transition",
               **fields) -> models.Model:
    """Take the declared step ``name`` on ``obj``: lock the row, check the declaration (:func:`authorize`), move to
    the action's target state, set ``fields``, save, and write the audit row (its note starts with the action's
    name). Returns ``obj``, updated in place. Runs in the caller's transaction, or in its own."""
    _check_actor(actor)
    action = declared(obj, name)
    model = type(obj)
    with transaction.atomic():
        locked = model._default_manager.select_for_update().get(pk=obj.pk)
        authorize(actor, name, locked)
        before = _snapshot(locked)
        if action.target is not None:
            setattr(locked, action.field, action.target)
        for key, value in fields.items():
            setattr(locked, key, value)
        locked.save()
        _record(actor=actor, obj=locked, before=before, action=audit_action,
                note=f"{name}: {note}" if note else name)
    for f in model._meta.concrete_fields:
        setattr(obj, f.attname, getattr(locked, f.attname))
    return obj
