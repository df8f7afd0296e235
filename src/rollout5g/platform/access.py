"""One object-level permission mechanism for every list, detail and API endpoint.

Modelled on NetBox's ``RestrictedQuerySet.restrict(user, action)``: a view never filters by hand, it asks the
queryset for the rows the user may see or change. What each role may do is data declared once per model as an
:class:`AccessPolicy`; the queryset turns it into a filter. A model without a policy is visible to nobody but
superusers, so forgetting to declare one fails closed.

Rules, in order:

1. A superuser may do everything.
2. A role not granted the action gets nothing — except that ``view`` still returns the model's public rows.
3. A role granted the action on all rows (e.g. the program office viewing everything) gets all rows of its region
   scope (``region_path``: its organization's region and the regions below it; no filter when that covers the
   deployment's home region), plus the rows it owns and the public rows for ``view``.
4. Any other granted role gets the rows its organization or an organization below it owns (``owner_path``: an
   operator's provincial company reaches its city branches' rows), plus the public rows for ``view``.
5. Anonymous users get the public rows for ``view`` and nothing for other actions.

The region rules live in :mod:`rollout5g.platform.tenancy` (docs/tenancy.md).

Besides view/add/change/delete a model declares its workflow steps as :class:`~rollout5g.platform.workflow.Action`
entries of ``AccessPolicy.actions`` (submit, accept, decide, sign, pay, …): who takes each step, on which rows, from
which state to which. ``restrict(user, "accept")`` then gives the rows the user may accept now, and
:func:`rollout5g.platform.workflow.transition` takes the step; no service checks a role by hand.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q

from . import tenancy

VIEW, ADD, CHANGE, DELETE = "view", "add", "change", "delete"
ACTIONS = (VIEW, ADD, CHANGE, DELETE)


@dataclass(frozen=True)
class AccessPolicy:
    """Who may do what with the rows of one model.

    owner_path: ORM path from the model to the owning ``Organization`` (``"organization"``,
        ``"site__owner"``), or a tuple of paths any of which grants ownership (a site is its owner's and its
        sharing operators'); ``None`` if rows are not owned by an organization.
    public: rows anyone may view, also anonymous users (``Q(published=True)``); ``Q()`` for every row;
        ``None`` for none.
    grants: action -> roles that may perform it on the rows their organization owns.
    all_rows: action -> roles that may perform it on every row of their region scope.
    region_path: ORM path from the model to its ``regions.Region`` (``"region"``, ``"site__region"``), or ``None``
        for rows not bound to a place (policy rules, calendars, …): then ``all_rows`` reaches every row. A row whose
        region is empty belongs to the whole deployment: only users whose scope covers the home region see it through
        ``all_rows``.
    regionless_shared: rows whose region is empty are seen by every ``all_rows`` grant, whatever the user's scope
        (the audit events of deployment-wide records: a sign-in, a rule set), instead of only by users whose scope
        covers the home region.
    """

    owner_path: str | tuple[str, ...] | None = None
    public: Q | None = None
    grants: dict[str, frozenset[str]] = field(default_factory=dict)
    all_rows: dict[str, frozenset[str]] = field(default_factory=dict)
    actions: dict = field(default_factory=dict)  # name -> rollout5g.platform.workflow.Action
    region_path: str | None = None
    regionless_shared: bool = False

    def __post_init__(self):
        clash = set(self.actions) & set(ACTIONS)
        if clash:
            raise ValueError(f"{sorted(clash)} are the basic actions: declare them in grants/all_rows")
        for mapping in (self.grants, self.all_rows):
            unknown = set(mapping) - set(ACTIONS)
            if unknown:
                raise ValueError(f"unknown actions {sorted(unknown)}; valid: {', '.join(ACTIONS)}")


def grant(*roles: str) -> frozenset[str]:
    return frozenset(roles)



class RestrictedQuerySet(models.QuerySet):
    def restrict(self, user, action: str = VIEW) -> RestrictedQuerySet:
        policy: AccessPolicy | None = getattr(self.model, "access_policy", None)
        if action not in ACTIONS:
            if policy is None or action not in policy.actions:
                declared = ", ".join([*ACTIONS, *(policy.actions if policy else ())])
                raise ValueError(f"{self.model.__name__} declares no action {action!r}; declared: {declared}")
            return self._restrict_declared(user, policy.actions[action], policy)
        if user is not None and user.is_authenticated and user.is_superuser:
            return self.all()
        if getattr(user, "is_system", False):
            return self.all()  # a process (platform.actors.SYSTEM) acts on the rows its caller gave it
        if policy is None:
            return self.none()
        public = policy.public if action == VIEW else None
        if public is not None and not public.children:
            # Q() means "every row is public"; it must not be OR-ed with another condition, because Django drops
            # an empty Q from a combination instead of treating it as "true".
            return self.all()
        if user is None or not user.is_authenticated:
            return self.filter(public) if public is not None else self.none()
        role = user.role
        paths = (policy.owner_path,) if isinstance(policy.owner_path, str) else (policy.owner_path or ())
        condition = Q(pk__in=[])
        if role in policy.all_rows.get(action, ()):
            in_scope = _region_condition(user, policy, self.model)
            if in_scope is None:
                return self.all()
            condition |= in_scope
        if role in policy.grants.get(action, ()) and paths and user.organization_id:
            condition |= _owner_condition(user, paths, self.model)
        if public is not None:
            condition |= public
        return self.filter(condition)


    def region_scoped(self, user) -> RestrictedQuerySet:
        """These rows narrowed to ``user``'s region scope (unchanged when the scope covers the home region or the
        model declares no ``region_path``): for a queryset that widens ``restrict()`` with rows of its own (a run
        shared with every operator is shared with every operator *of its city*)."""
        policy: AccessPolicy | None = getattr(self.model, "access_policy", None)
        condition = _region_condition(user, policy, self.model) if policy is not None else None
        return self if condition is None else self.filter(condition)

    def _restrict_declared(self, user, action, policy: AccessPolicy) -> RestrictedQuerySet:
        """The rows on which ``user`` may take a declared workflow action now: the right role, on the rows its
        organization reaches through the action's path (or every row), in one of the action's source states."""
        queryset = self.all()
        if action.source:
            queryset = queryset.filter(**{f"{action.field}__in": list(action.source)})
        if action.condition is not None:
            queryset = queryset.filter(action.condition)
        if getattr(user, "is_system", False) or (user is not None and user.is_authenticated and user.is_superuser):
            return queryset if action.system or not getattr(user, "is_system", False) else queryset.none()
        if user is None or not user.is_authenticated:
            return queryset.none()
        role = user.role
        path = action.path if action.path is not None else policy.owner_path
        paths = (path,) if isinstance(path, str) else (path or ())
        condition, reached = Q(pk__in=[]), False
        if role in action.all_rows:
            in_scope = _region_condition(user, policy, self.model)
            if in_scope is None:
                return queryset
            condition |= in_scope
            reached = True
        if role in action.roles and paths and user.organization_id:
            condition |= _owner_condition(user, paths, self.model)
            reached = True
        if not reached:
            return queryset.none()
        return queryset.filter(condition)


def _through(model, path: str, values) -> Q:
    """The rows of ``model`` whose ``path`` is one of ``values``; through a to-many relation as ``pk IN
    (subquery)``, so that a row reached through several related rows (a site shared by two operators) comes back
    once, without DISTINCT over every column (which made counts slow and grouped counts wrong)."""
    values = list(values)
    lookup = {path: values[0]} if len(values) == 1 else {f"{path}__in": values}
    if _crosses_to_many(model, path):
        return Q(pk__in=model._base_manager.filter(**lookup).values("pk"))
    return Q(**lookup)


def _region_condition(user, policy: AccessPolicy, model) -> Q | None:
    """The rows of ``user``'s region scope (an IN list on the region column), or None for every row."""
    if policy.region_path is None:
        return None
    scope = tenancy.region_scope(user)
    if scope is None:
        return None
    condition = _through(model, policy.region_path, sorted(scope))
    if policy.regionless_shared:
        condition |= Q(**{f"{policy.region_path}__isnull": True})
    return condition


def _owner_condition(user, paths, model) -> Q:
    """The rows the user's organization, or one below it, reaches through any of ``paths``."""
    family = tenancy.organization_family(user) or (user.organization_id,)
    condition = Q(pk__in=[])
    for path in paths:
        condition |= _through(model, path, family)
    return condition


def _crosses_to_many(model, path: str) -> bool:
    for name in path.split("__"):
        field = model._meta.get_field(name)
        if field.many_to_many or field.one_to_many:
            return True
        if field.related_model is None:
            return False
        model = field.related_model
    return False


class RestrictedManager(models.Manager.from_queryset(RestrictedQuerySet)):
    pass


def can(user, action: str, obj) -> bool:
    """True if ``user`` may perform ``action`` on ``obj`` (checked with the same queryset rule)."""
    return type(obj)._default_manager.all().restrict(user, action).filter(pk=obj.pk).exists()


def can_add(user, model) -> bool:
    """True if ``user``'s role may create rows of ``model`` at all (owner checks happen in the service)."""
    if user is not None and user.is_authenticated and (user.is_superuser or getattr(user, "is_system", False)):
        return True
    policy: AccessPolicy | None = getattr(model, "access_policy", None)
    if policy is None or user is None or not user.is_authenticated:
        return False
    return user.role in policy.grants.get(ADD, ()) or user.role in policy.all_rows.get(ADD, ())


def require(user, action: str, obj) -> None:
    """Raise PermissionDenied unless ``user`` may perform ``action`` on ``obj``."""
    if not can(user, action, obj):
        raise PermissionDenied(f"{action} not allowed on {type(obj).__name__} {obj.pk}")
