"""Who acts when no person does: a clock, the demo loader, an import job, a periodic check.

Services take ``actor`` keyword-only and never accept ``None``: a process passes :data:`SYSTEM` (or its own
``SystemActor("clock")``) so that the audit history names it (``system:clock``) and the declared actions can say
whether a process may take a step (``Action(system=False)`` keeps a step for people).
"""

from __future__ import annotations


class SystemActor:
    """A process acting under its own name. It is no user: no organization, no role, no database row."""

    is_system = True
    is_authenticated = True
    is_anonymous = False
    is_active = True
    is_superuser = False
    is_staff = False
    is_program_office = False
    pk = id = organization_id = organization = role = None

    def __init__(self, name: str = "system"):
        self.name = name

    def get_username(self) -> str:
        return f"system:{self.name}" if self.name != "system" else "system"

    def __str__(self) -> str:
        return self.get_username()

    def __repr__(self) -> str:
        return f"SystemActor({self.name!r})"

    def __eq__(self, other) -> bool:
        return isinstance(other, SystemActor) and other.name == self.name

    def __hash__(self) -> int:
        return hash(("SystemActor", self.name))


#: The platform's own processes (the demo loader, imports, clocks) unless they name themselves.
SYSTEM = SystemActor()


def is_system(actor) -> bool:
    return getattr(actor, "is_system", False)
