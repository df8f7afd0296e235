"""The zh-Hans message catalogue is the source of the translations: translators edit ``django.po`` (by hand, with
Poedit or django-rosetta) and ``django.mo`` is compiled from it (docs/translations.md). These tests keep it whole:

- no fuzzy entry (gettext leaves them out of the compiled catalogue: the page would silently show English),
  no empty translation, no obsolete ``#~`` entry;
- placeholders: a translation has the same ``%(name)s`` placeholders as its English, and ``msgfmt --check-format``
  accepts the file;
- the committed ``django.mo`` is ``django.po`` compiled: it is compiled again into a temporary folder and the two
  catalogues must hold the same messages (a ``.mo`` older than the ``.po`` differs from it; file times are not
  compared, git does not keep them);
- the state labels carry a context and read as states.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import polib
import pytest
from django.db import models
from django.utils import translation

import rollout5g

LOCALE = Path(rollout5g.__file__).parent / "web" / "locale" / "zh_Hans" / "LC_MESSAGES"
PO = LOCALE / "django.po"
MO = LOCALE / "django.mo"
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdif]|%[sdif]|\{(\w*)\}")


@pytest.fixture(scope="module")
def catalogue() -> polib.POFile:
    return polib.pofile(str(PO), wrapwidth=120)


def _name(entry) -> str:
    return (f"[{entry.msgctxt}] " if entry.msgctxt else "") + entry.msgid


def fuzzy(po) -> list[str]:
    return [_name(e) for e in po if "fuzzy" in e.flags and not e.obsolete]


def untranslated(po) -> list[str]:
    return [_name(e) for e in po if not e.obsolete and not e.translated() and "fuzzy" not in e.flags]


def obsolete(po) -> list[str]:
    return [_name(e) for e in po.obsolete_entries()]


def placeholder_mismatches(po) -> list[str]:
    wrong = []
    for entry in po:
        if entry.obsolete:
            continue
        english = sorted(PLACEHOLDER.findall(entry.msgid))
        if entry.msgid_plural:
            translations = list(entry.msgstr_plural.values())
        else:
            translations = [entry.msgstr]
        for text in translations:
            if text and sorted(PLACEHOLDER.findall(text)) != english:
                wrong.append(f"{_name(entry)} -> {text}")
    return wrong


def compiled_messages(path: Path) -> dict[tuple[str | None, str], str]:
    return {(e.msgctxt, e.msgid): (e.msgstr or repr(sorted(e.msgstr_plural.items()))) for e in polib.mofile(str(path))}


def test_no_fuzzy_entries(catalogue):
    assert fuzzy(catalogue) == []


def test_no_empty_translations(catalogue):
    assert untranslated(catalogue) == []


def test_no_obsolete_entries(catalogue):
    """Obsolete entries are messages the code no longer has: makemessages keeps them as ``#~``; drop them with
    ``msgattrib --no-obsolete`` (docs/translations.md)."""
    assert obsolete(catalogue) == []


def test_translations_keep_the_placeholders(catalogue):
    assert placeholder_mismatches(catalogue) == []


def test_header_declares_the_language_and_plural_forms(catalogue):
    assert catalogue.metadata["Language"] == "zh_Hans"
    assert catalogue.metadata["Plural-Forms"] == "nplurals=1; plural=0;"
    assert catalogue.metadata["Content-Type"] == "text/plain; charset=UTF-8"


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="needs GNU gettext's msgfmt")
def test_compiled_catalogue_is_the_po_compiled(tmp_path):
    fresh = tmp_path / "django.mo"
    result = subprocess.run(["msgfmt", "--check-format", "-o", str(fresh), str(PO)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    committed, expected = compiled_messages(MO), compiled_messages(fresh)
    stale = sorted(f"{k}: {committed.get(k)!r} != {v!r}" for k, v in expected.items() if committed.get(k) != v)
    extra = sorted(str(k) for k in committed.keys() - expected.keys())
    assert not stale and not extra, (
        "django.mo is not django.po compiled; run `msgfmt --check-format -o django.mo django.po` in "
        f"{LOCALE}:\n" + "\n".join((stale + extra)[:30]))


# --- the checks themselves fail on a broken catalogue -------------------------------------------------------------


BROKEN = '''
msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"

#, fuzzy
msgid "Closed"
msgstr "办结日期"

msgid "Accepted"
msgstr ""

#, python-format
msgid "Page %(n)s of %(total)s"
msgstr "第 %(n)s 页"

#~ msgid "Gone"
#~ msgstr "已删除"
'''


def test_the_checks_find_each_kind_of_fault():
    po = polib.pofile(BROKEN)
    assert fuzzy(po) == ["Closed"]
    assert untranslated(po) == ["Accepted"]
    assert obsolete(po) == ["Gone"]
    assert placeholder_mismatches(po) == ["Page %(n)s of %(total)s -> 第 %(n)s 页"]


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="needs GNU gettext's msgfmt")
def test_a_changed_translation_makes_the_compiled_catalogue_stale(tmp_path):
    po = polib.pofile(str(PO))
    po.save_as_mofile(str(tmp_path / "before.mo"))
    entry = next(e for e in po if e.msgid == "Save" and not e.msgctxt)
    entry.msgstr = "存盘"
    po.save_as_mofile(str(tmp_path / "after.mo"))
    before, after = compiled_messages(tmp_path / "before.mo"), compiled_messages(tmp_path / "after.mo")
    assert before[(None, "Save")] != after[(None, "Save")]


# --- states: one English word, the Chinese of its place -----------------------------------------------------------


def _state_classes():
    from django.apps import apps

    found = []
    for config in apps.get_app_configs():
        if not config.name.startswith("rollout5g."):
            continue
        try:
            module = __import__(f"{config.name}.choices", fromlist=["*"])
        except ModuleNotFoundError:
            continue
        for name, value in vars(module).items():
            if (isinstance(value, type) and issubclass(value, models.Choices) and value.__module__ == module.__name__
                    and re.search(r"(State|Status|Stage)$", name)):
                found.append(value)
    return found


def test_every_state_label_is_translated_and_reads_as_a_state():
    classes = _state_classes()
    assert len(classes) > 20
    with translation.override("zh-hans"):
        for cls in classes:
            for member in cls:
                label = str(member.label)
                assert re.search(r"[\u4e00-\u9fff]", label), f"{cls.__module__}.{cls.__name__}.{member.name} is not translated: {label}"
                assert "日期" not in label, f"{cls.__name__}.{member.name} reads as a date: {label}"


@pytest.mark.parametrize(("label", "chinese"), [
    ("rollout5g.cases.choices.IncidentState.CLOSED", "已办结"),
    ("rollout5g.policy.choices.TaskStatus.CLOSED", "已办结"),
    ("rollout5g.spectrum.choices.ComplaintState.CLOSED", "已办结"),
    ("rollout5g.cases.choices.PowerState.ACCEPTED", "已受理"),
    ("rollout5g.policy.choices.TaskStatus.ACCEPTED", "已受理"),
    ("rollout5g.resources.choices.RequestStatus.ACCEPTED", "已同意"),
    ("rollout5g.construction.choices.ProjectState.ACCEPTED", "已竣工验收"),
    ("rollout5g.permits.choices.Decision.APPROVED", "准予许可"),
    ("rollout5g.sites.choices.SiteState.PLANNED", "规划"),
    ("rollout5g.resources.choices.Availability.OPEN", "开放"),
    ("rollout5g.program.choices.ActionState.OPEN", "未办结"),
])
def test_the_same_english_reads_as_its_place(label, chinese):
    module, cls, member = label.rsplit(".", 2)
    choice = getattr(getattr(__import__(module, fromlist=[cls]), cls), member)
    with translation.override("zh-hans"):
        assert str(choice.label) == chinese
    with translation.override("en"):
        assert re.fullmatch(r"[A-Za-z ,/()-]+", str(choice.label))


def test_the_date_column_closed_stays_a_date():
    with translation.override("zh-hans"):
        assert translation.gettext("Closed") == "办结日期"
        assert translation.pgettext("state", "Closed") == "已办结"
