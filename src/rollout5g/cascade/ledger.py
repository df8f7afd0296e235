"""The cities' overview as an Excel ledger (台账), one row per city: the figures computed from its live data and
each carried-down provincial task's step with its timing. Text cells are neutralised against formula injection."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from rollout5g.core.csvsafe import neutralise
from rollout5g.platform.formats import long_date


def overview_workbook(overview: dict) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = _("Cities")[:31]
    headers = [_("City"), *[f"{i.name}（{i.unit}）" if i.unit and not i.is_share else i.name
                            for i in overview["indicators"]]]
    for task in overview["tasks"]:
        headers += [f"{task.number} {task.title}", _("Deadline"), _("First report")]
    ws.append([_("Provincial tasks in the cities"), _("As of %(date)s") % {"date": long_date(overview["as_of"])}])
    ws.append(headers)
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for row in overview["rows"]:
        line = [row["city"].name]
        for value in row["values"]:
            number = value["value"]
            line.append(float(number) if number is not None else None)
        for step in row["steps"]:
            c = step["c"]
            if c is None:
                line += [_("Not carried down to the cities yet"), None, None]
                continue
            state = f"{c.get_state_display()}（{step.get('timing_label', '')}）"
            first = step["first_report"]
            line += [neutralise(state), c.deadline, first.replace(tzinfo=None) if first else None]
        ws.append(line)
        for offset, indicator in enumerate(overview["indicators"], start=2):
            if indicator.is_share:
                ws.cell(row=ws.max_row, column=offset).number_format = "0.0%"
    for column, width in zip("ABCDEFGHIJKLMNOPQRSTUVWXYZ", [12] + [16] * 25, strict=False):
        ws.column_dimensions[column].width = width
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
