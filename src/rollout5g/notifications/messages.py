"""A notification's text as a message key with parameters, rendered in the reader's language.

A caller passes the untranslated message id (marked with ``gettext_noop`` so that ``makemessages`` extracts it)
and its parameters; what is stored is the id and a JSON of the parameters, and the text is produced when somebody
reads it (the list, the API, an e-mail), in the language active then:

    notify(message=gettext_noop("%(code)s: decision %(decision)s"),
           params={"code": app.code, "decision": Decision(decision).label}, ...)

Parameters are stored as JSON values:

- text and numbers as they are (codes, names, what a person typed: escaped wherever they are shown);
- a translatable label (a ``gettext_lazy``/``pgettext_lazy`` string, e.g. ``Decision.APPROVED.label`` or a
  ``TextChoices`` member) as its message id, ``{"$t": id}`` (``"$c"``: its context), translated when read;
- a choice code as ``{"$choice": "app_label.Model.field", "value": code}``, shown as the field's label when read;
- a date or a moment as ``{"$date": "2026-11-16"}`` / ``{"$datetime": ...}``, shown in the reader's form;
- an amount of money as ``{"$yuan": "1234.50"}``, shown as ¥1,234.50 (digits as given, at most two);
- a message of its own as ``{"$m": id, "p": {...}}`` (:func:`msg`), a list as ``{"$list": [...]}`` shown one per
  line (e.g. the items of a one-time notice).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.apps import apps
from django.db import models
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.functional import Promise
from django.utils.translation import gettext, pgettext

from rollout5g.platform.formats import long_date, long_datetime, yuan

__all__ = ["choice", "encode_params", "money", "msg", "render_message"]

_KINDS = {"$t", "$choice", "$date", "$datetime", "$yuan", "$m", "$list"}


def choice(model: type[models.Model] | str, field: str, value) -> dict:
    """A choice code to show as its label when read: ``choice(Case, "state", case.state)``."""
    label = model if isinstance(model, str) else model._meta.label
    return {"$choice": f"{label}.{field}", "value": value}


def money(amount) -> dict:
    """An amount in CNY shown as ¥ with thousands separators when read."""
    return {"$yuan": str(amount)}


def msg(message: str, /, **params) -> dict:
    """A message (an untranslated id) with its parameters, as the parameter of another message."""
    return {"$m": message, "p": encode_params(params)}


def _lazy_id(value: Promise) -> dict | None:
    """The message id (and context) of a ``gettext_lazy``/``pgettext_lazy`` string, None for another lazy object."""
    args = getattr(value, "_args", None)
    cast = getattr(type(value), "_proxy____cast", None)
    func = getattr(cast, "__closure__", None)
    name = getattr(func[0].cell_contents, "__name__", "") if func else ""
    if not args or getattr(value, "_kw", None):
        return None
    if name == "gettext" and len(args) == 1 and isinstance(args[0], str):
        return {"$t": args[0]}
    if name == "pgettext" and len(args) == 2 and all(isinstance(a, str) for a in args):
        return {"$t": args[1], "$c": args[0]}
    return None


def _encode(value):
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, models.Choices):
        return _lazy_id(value.label) or str(value.label)
    if isinstance(value, Promise):
        return _lazy_id(value) or str(value)
    if isinstance(value, dt.datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, dt.date):
        return {"$date": value.isoformat()}
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict) and len(value.keys() & _KINDS) == 1:
        return value
    if isinstance(value, (list, tuple)):
        return {"$list": [_encode(v) for v in value]}
    return str(value)


def encode_params(params: dict | None) -> dict:
    """The JSON-storable form of a message's parameters (see the module's docstring)."""
    return {str(k): _encode(v) for k, v in (params or {}).items()}


def _choice_label(ref: str, value) -> str:
    try:
        app_model, field_name = ref.rsplit(".", 1)
        field = apps.get_model(app_model)._meta.get_field(field_name)
    except (LookupError, ValueError):
        return str(value)
    return str(dict(field.flatchoices).get(value, value))


def _decode(value):
    if not isinstance(value, dict):
        return "" if value is None else value
    if "$t" in value:
        return pgettext(value["$c"], value["$t"]) if value.get("$c") else gettext(value["$t"])
    if "$choice" in value:
        return _choice_label(value["$choice"], value.get("value"))
    if "$date" in value:
        parsed = parse_date(str(value["$date"]))
        return long_date(parsed) if parsed else str(value["$date"])
    if "$datetime" in value:
        parsed = parse_datetime(str(value["$datetime"]))
        return long_datetime(parsed) if parsed else str(value["$datetime"])
    if "$m" in value:
        return render_message(str(value["$m"]), value.get("p") or {})
    if "$list" in value:
        return "\n".join(str(_decode(v)) for v in value["$list"] or ())
    if "$yuan" in value:
        digits = len(str(value["$yuan"]).partition(".")[2])
        return yuan(value["$yuan"], digits=min(digits, 2))
    return str(value)


def render_message(message: str, params: dict | None = None) -> str:
    """``message`` in the active language with its parameters filled in (the id itself when it has no
    translation; the bare text when the parameters do not fit, so a reader always gets something)."""
    values = {k: _decode(v) for k, v in (params or {}).items()}
    text = gettext(message)
    for candidate in (text, message):
        try:
            return candidate % values if values or "%(" in candidate else candidate
        except (KeyError, ValueError, TypeError):
            continue
    return text
