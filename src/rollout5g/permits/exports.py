"""Export of an application for the provincial investment-project platform: JSON, format
``rollout5g.approval-application/1`` (documented in docs/approvals.md)."""

from __future__ import annotations

EXPORT_FORMAT = "rollout5g.approval-application/1"


def _d(value):
    return value.isoformat() if value else None


def application_export(app) -> dict:
    """The whole application as one JSON document: keyed by the project code, with sites, items and their
    decisions, materials (name and SHA-256, not the content), the one-time notice and the certificate."""
    cert = app.certificate if hasattr(app, "certificate") else None
    survey = app.survey if hasattr(app, "survey") else None
    return {
        "format": EXPORT_FORMAT,
        "project_code": app.project_code or None,
        "application_code": app.code,
        "title": app.title,
        "applicant": {"code": app.applicant.code, "name": app.applicant.name},
        "state": app.state,
        "dates": {"received": _d(app.received_on), "notice_issued": _d(app.notice_issued_on),
                  "resubmitted": _d(app.resubmitted_on), "accepted": _d(app.accepted_on),
                  "deemed_accepted": app.deemed_accepted, "decided": _d(app.decided_on)},
        "limits_working_days": {"acceptance": app.acceptance_limit_days, "legal": app.legal_limit_days,
                                "promised": app.promised_limit_days},
        "decision": app.decision or None,
        "sites": [
            {"site_code": e.site.code, "name": e.site.name, "site_type": e.site.site_type, "lon": e.site.lon,
             "lat": e.site.lat, "crs": "EPSG:4326", "region": e.site.region_id,
             "situation": {k: v for k, v in e.situation().items() if k != "site_type"}}
            for e in app.sites.select_related("site")
        ],
        "items": [
            {"site_code": i.app_site.site.code, "item": i.item_type.code, "name": i.item_type.name,
             "department": i.department.code, "rules": i.rule_codes, "legal_limit_days": i.legal_limit_days,
             "promised_limit_days": i.promised_limit_days, "state": i.state, "decided": _d(i.decided_on),
             "reasons": i.reasons or None, "permit_number": i.permit_number or None}
            for i in app.items.select_related("item_type", "department", "app_site__site")
        ],
        "materials": [{"code": m.code, "file_name": m.file_name, "size": m.size, "sha256": m.sha256}
                      for m in app.materials.all()],
        "notice": [{"target": d.target, "ref": d.ref, "message": d.message, "resolved": d.resolved,
                    "department": d.department.code if d.department_id else None}
                   for d in app.deficiencies.filter(in_notice=True).select_related("department")],
        "joint_survey": None if survey is None else {
            "scheduled": _d(survey.scheduled_on), "consulted": _d(survey.consulted_on), "held": _d(survey.held_on),
            "state": survey.state,
            "signed_by": [s.department.code for s in survey.signatures.select_related("department")]},
        "certificate": None if cert is None else {
            "number": cert.number, "issued": _d(cert.issued_on), "pdf_sha256": cert.pdf_sha256,
            "revoked": _d(cert.revoked_on)},
    }
