"""The notifications of facility security are stored as message keys with parameters (the criticality and the
severity as choice codes), not as text in the sender's language: a Chinese reader reads them in Chinese and an
English reader in English, whatever language the sender used (issue 19)."""

import pytest
from django.utils import translation
from django.utils.translation import gettext

from rollout5g.notifications.models import Notification
from rollout5g.safeguard import services

pytestmark = pytest.mark.django_db

#: Every message the safeguard services send, as its untranslated key.
KEYS = {
    "%(code)s: critical facility registered by %(operator)s (%(level)s)",
    "%(code)s: criticality set to %(level)s",
    "%(code)s: assessment %(number)s found a high risk",
    "%(code)s: %(severity)s security event at %(facility)s: %(title)s",
    "%(code)s: security warning",
    "%(code)s: analysed, respond by the limit",
    "%(code)s: emergency response recorded",
    "%(code)s: security event closed",
}


def _read(note, language):
    with translation.override(language):
        return Notification.objects.get(pk=note.pk).subject_text


def _translated(language, key):
    with translation.override(language):
        return gettext(key)


def _everything(users, facility, event):
    """A facility through rating and a high-risk assessment, an event through its whole handling, all sent by
    senders working in English."""
    with translation.override("en"):
        f = facility()
        services.facility_rate(actor=users["cac"], facility=f, criticality="1", note="raised after review")
        services.assessment_record(actor=users["ca"], facility=f, assessor_name="检查组", assessed_on="2026-11-10",
                                   scope="数据安全风险评估",
                                   findings=[{"severity": "high", "description": "管理口暴露公网", "measure": "关闭"}])
        e = event(at=f)
        services.event_warn(actor=users["cac"], event=e, warning="请立即封禁来源IP")
        services.event_analyse(actor=users["police"], event=e, analysis="撞库攻击")
        services.event_respond(actor=users["mobile"], event=e, response="已封禁IP")
        services.event_close(actor=users["cac"], event=e, conclusion="处置完毕")
    return f, e


def test_every_safeguard_notification_is_a_key_read_in_the_readers_language(users, facility, event):
    f, e = _everything(users, facility, event)
    notes = list(Notification.objects.filter(key__startswith="safeguard:"))
    assert {n.message for n in notes} == KEYS
    for key in KEYS:  # the catalogue has each of them in Chinese
        assert _translated("zh-hans", key) != key
    for note in notes:
        zh, en = _read(note, "zh-hans"), _read(note, "en")
        assert note.params["code"] in zh and note.params["code"] in en and zh != en
        assert "：" in zh and "：" not in en  # the Chinese form of the message, not the English one


def test_the_criticality_and_the_severity_are_stored_as_codes_and_shown_as_labels(users, facility, event):
    f, e = _everything(users, facility, event)
    [registered] = Notification.objects.filter(recipient=users["cac"], key=f"safeguard:facility:{f.pk}:registered")
    assert registered.params["level"] == {"$choice": "safeguard.CriticalFacility.criticality", "value": "2"}
    assert _read(registered, "zh-hans").endswith("（二级）") and _read(registered, "en").endswith("(Level 2)")
    [rated] = Notification.objects.filter(recipient=users["mobile"], key__startswith=f"safeguard:facility:{f.pk}:rated")
    assert _read(rated, "zh-hans") == f"{f.code}：关键等级确定为一级（最高）"
    assert _read(rated, "en") == f"{f.code}: criticality set to Level 1 (highest)"
    [detected] = Notification.objects.filter(recipient=users["cac"], key=f"safeguard:event:{e.pk}:detected")
    assert detected.params["severity"] == {"$choice": "safeguard.SecurityEvent.severity", "value": "serious"}
    assert _read(detected, "zh-hans") == f"{e.code}：{f.code} 发生重大（Ⅱ级）安全事件：核心网异常登录"
    assert _read(detected, "en") == f"{e.code}: Serious (II) security event at {f.code}: 核心网异常登录"


def test_the_notification_page_shows_the_readers_language(users, facility, event, client_for):
    f, e = _everything(users, facility, event)
    cac = client_for("cac")
    zh = cac.get("/notifications/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    en = cac.get("/notifications/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f"{e.code}：安全事件已办结" in zh and f"{e.code}: security event closed" not in zh
    assert f"{e.code}: security event closed" in en and f"{e.code}：安全事件已办结" not in en
