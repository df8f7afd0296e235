"""Labels a person reads for the codes of the approval forms (a flagged field, a material)."""

from __future__ import annotations

from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext_lazy as _

from .choices import FLAGGABLE_FIELDS
from .models import Application

SITES = _("sites")


def field_label(ref: str):
    """The label of a flaggable form field (a lazy string), the code itself for anything else."""
    if ref == "sites":
        return SITES
    if ref not in FLAGGABLE_FIELDS:
        return ref
    try:
        return Application._meta.get_field(ref).verbose_name
    except FieldDoesNotExist:
        return ref


def flaggable_fields() -> list[tuple[str, str]]:
    """``[(code, label)]`` of the form fields a reviewer may flag, for a choice list."""
    return [(ref, str(field_label(ref))) for ref in FLAGGABLE_FIELDS]


def ref_label(target: str, ref: str, materials: dict[str, str] | None = None):
    """What a flag points at, for a person: a field's label, a material's name (from ``materials``: code -> name)."""
    if target == "field":
        return field_label(ref)
    return (materials or {}).get(ref, ref)
