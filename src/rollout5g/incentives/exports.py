"""Excel export of the disbursement ledger: the lines, and the totals per clause, region and year computed from
the same lines (so the workbook reconciles with itself and with the page)."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from .selectors import ledger_totals

MONEY = "#,##0.00"


def _sheet(wb, title, header, rows, money_cols):
    ws = wb.create_sheet(title)
    ws.append(header)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append(row)
    for col in money_cols:
        for (cell,) in ws.iter_rows(min_row=2, min_col=col, max_col=col):
            cell.number_format = MONEY
    return ws


def ledger_workbook(entries) -> bytes:
    entries = entries.order_by("booked_on", "pk")
    wb = Workbook()
    wb.remove(wb.active)
    _sheet(wb, _("Ledger"), [_("Application"), _("Enterprise"), _("Clause"), _("Region"), _("Funding year"),
                             _("Kind"), _("Amount [CNY]"), _("Booked on"), _("Payment reference"), _("Note")],
           [[e.application.number, e.enterprise.name, e.clause.key, e.region_id, e.year, e.kind, e.amount,
             e.booked_on, e.reference, e.note] for e in entries], [7])
    totals = ledger_totals(entries)
    header = [_("Approved [CNY]"), _("Paid [CNY]"), _("Clawed back [CNY]"), _("Net paid [CNY]")]
    kinds = ("approved", "paid", "clawed_back", "net_paid")
    for dim, title, label in (("clause", _("By clause"), _("Clause")), ("region", _("By region"), _("Region")),
                              ("year", _("By year"), _("Funding year"))):
        rows = [[key, *(t[k] for k in kinds)] for key, t in totals[dim].items()]
        rows.append([_("Total"), *(totals["all"][k] for k in kinds)])
        _sheet(wb, title, [label, *header], rows, [2, 3, 4, 5])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
