"""The bundled certificate: one PDF (WeasyPrint, Noto Sans CJK SC) listing every permission of an application,
with a QR code (segno) whose URL verifies it on the public page ``/approvals/verify/<token>/``.

Without a camera a person verifies it by typing the certificate number and its **verification code** (核验码) on
``/approvals/verify/``: eight characters printed on the PDF beside the QR code, derived from the secret token of the
QR link (the first 40 bits of its SHA-256 in RFC 4648 base32, no 0/1/8/9 to misread, e.g. ``K7QD-3MXA``). A wrong
pair is answered "no such certificate" without saying which part was wrong, after the same work either way."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse


def _absolute(path: str) -> str:
    base = getattr(settings, "ROLLOUT5G_BASE_URL", "") or os.environ.get("ROLLOUT5G_BASE_URL", "")
    return f"{base.rstrip('/')}{path}"


def verify_url(certificate) -> str:
    """Absolute URL of the certificate's public verification page (``ROLLOUT5G_BASE_URL`` + path)."""
    return _absolute(reverse("permits:verify", args=[certificate.token]))


_LOOKALIKES = str.maketrans("018", "OIB")


def verification_code(token: str) -> str:
    """The certificate's verification code: ``XXXX-XXXX`` from the token of its QR link."""
    digest = hashlib.sha256(f"rollout5g-certificate:{token}".encode()).digest()
    code = base64.b32encode(digest[:5]).decode()
    return f"{code[:4]}-{code[4:]}"


def normalise_code(text: str) -> str:
    """What a person typed as a code, compared without case, spaces or hyphens; the digits the code never holds
    (0, 1, 8) are read as the letters they resemble (O, I, B)."""
    return re.sub(r"[\s\-]", "", text or "").upper().translate(_LOOKALIKES)


def certificate_for(number: str, code: str):
    """The certificate with this number whose verification code is ``code``; None when either is wrong (the same
    work in both cases: the code is always computed and compared in constant time)."""
    from .models import Certificate

    number = (number or "").strip()
    cert = Certificate.objects.select_related("application__applicant").filter(number=number).first() \
        if 0 < len(number) <= 40 else None
    expected = normalise_code(verification_code(cert.token if cert else "no certificate"))
    matches = hmac.compare_digest(expected.encode(), normalise_code(code).encode()[:64])
    return cert if cert is not None and matches else None


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
        "verification_code": verification_code(certificate.token),
        "verify_form_url": _absolute(reverse("permits:verify_form")),
        "items": app.items.select_related("item_type", "department", "app_site__site").order_by(
            "app_site__order", "item_type__order"),
        "sites": app.sites.select_related("site", "site__region"),
    })
    return HTML(string=html, base_url=str(settings.BASE_DIR) if hasattr(settings, "BASE_DIR") else None).write_pdf()
