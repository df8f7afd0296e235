"""Without a Chinese font, certificates and briefings are refused with the package to install — never rendered as
boxes, never stored."""

import pytest

from rollout5g.platform.fonts import CJK_FONT_PACKAGE, MissingFontError, cjk_font_families, require_cjk_font

pytestmark = pytest.mark.django_db


@pytest.fixture
def no_font(monkeypatch):
    monkeypatch.setattr("rollout5g.platform.fonts.cjk_font_families", lambda **kw: ())


def test_the_check_names_the_package(no_font):
    with pytest.raises(MissingFontError) as exc:
        require_cjk_font()
    assert f"apt-get install {CJK_FONT_PACKAGE}" in str(exc.value)


def test_fontconfig_is_asked_for_chinese(monkeypatch, tmp_path):
    """The families come from `fc-list :lang=zh family`; no fontconfig at all means no font."""
    fake = tmp_path / "fc-list"
    fake.write_text("#!/bin/sh\n[ \"$1\" = \":lang=zh\" ] && printf 'Noto Sans CJK SC,Noto Sans CJK SC Regular\\n"
                    "WenQuanYi Zen Hei\\n'\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path))
    assert cjk_font_families(refresh=True) == ("Noto Sans CJK SC", "Noto Sans CJK SC Regular", "WenQuanYi Zen Hei")
    monkeypatch.setenv("PATH", str(tmp_path / "nothing"))
    assert cjk_font_families(refresh=True) == ()
    monkeypatch.undo()
    cjk_font_families(refresh=True)  # the real answer again for the other tests


def test_no_certificate_is_issued_or_stored_without_a_font(no_font, users, today):
    from rollout5g.permits.choices import Decision
    from rollout5g.permits.models import Application, Certificate
    from rollout5g.permits.rules import load_rules
    from rollout5g.permits.services import ApprovalError, application_create, certificate_issue

    load_rules(None)
    app = application_create(actor=users["mobile"], title="证书字体测试")
    Application.objects.filter(pk=app.pk).update(decision=Decision.APPROVED)
    app.refresh_from_db()
    with pytest.raises(ApprovalError) as exc:
        certificate_issue(actor=users["office"], application=app, on=today)
    assert CJK_FONT_PACKAGE in " ".join(exc.value.messages)
    assert not Certificate.objects.filter(application=app).exists()


def test_the_briefing_is_refused_with_the_package_to_install(no_font, client_for):
    response = client_for("office").get("/supervision/briefing.pdf", follow=True)
    assert response.redirect_chain and response.redirect_chain[-1][0].endswith("/supervision/")
    assert response["Content-Type"].startswith("text/html")
    assert CJK_FONT_PACKAGE in response.content.decode()
