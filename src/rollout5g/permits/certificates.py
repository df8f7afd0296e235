"""The bundled certificate: one PDF (WeasyPrint, Noto Sans CJK SC) listing every permission of an application,
with a QR code (segno) whose URL verifies it on the public page ``/approvals/verify/<token>/``."""

from __future__ import annotations

import os

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse


def verify_url(certificate) -> str:
    """Absolute URL of the certificate's public verification page (``ROLLOUT5G_BASE_URL`` + path)."""
    base = getattr(settings, "ROLLOUT5G_BASE_URL", "") or os.environ.get("ROLLOUT5G_BASE_URL", "")
    return f"{base.rstrip('/')}{reverse('permits:verify', args=[certificate.token])}"


def qr_svg_data_uri(url: str) -> str:
    import segno

    return segno.make(url, error="m").svg_data_uri(scale=4, border=2)


def render_certificate_pdf(certificate) -> bytes:
    """The certificate as PDF bytes (the application's decided items, in site order).

    Refuses (``ApprovalError`` naming the font package) when no Chinese font is installed: a certificate of empty
    boxes must never be issued and sealed."""
    from rollout5g.platform.fonts import MissingFontError, require_cjk_font

    try:
        require_cjk_font()
    except MissingFontError as exc:
        from .services import ApprovalError

        raise ApprovalError(str(exc)) from exc
    from weasyprint import HTML

    app = certificate.application
    url = verify_url(certificate)
    html = render_to_string("permits/certificate_pdf.html", {
        "cert": certificate, "app": app, "verify_url": url, "qr": qr_svg_data_uri(url),
        "items": app.items.select_related("item_type", "department", "app_site__site").order_by(
            "app_site__order", "item_type__order"),
        "sites": app.sites.select_related("site", "site__region"),
    })
    return HTML(string=html, base_url=str(settings.BASE_DIR) if hasattr(settings, "BASE_DIR") else None).write_pdf()
