"""Writing: the failed rows (their original columns plus the reason; once fixed the file imports as it is) and the
blank template with a sheet explaining every column."""

from __future__ import annotations

import datetime as dt
import io
from collections import defaultdict

from .columns import (
    COLUMNS,
    ERROR_COLUMN,
    HEADER_MIN_MATCHES,
    HEADER_SEARCH_ROWS,
    REQUIRED_GROUPS,
    SOURCE_ROW_COLUMN,
    Column,
)
from .validation import RowError, Validation

# ------------------------------------------------------------------------------------------------- writing


def _xlsx_bytes(wb) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def failed_rows_xlsx(validation: Validation, extra_errors: list[RowError] = ()) -> bytes:
    """The failed rows with their original columns, then ``错误原因 / error`` and ``原行号 / source row``.

    After fixing, the file imports as it is (the two extra columns are ignored by the importer)."""
    import openpyxl

    table = validation.table
    reasons: dict[int, list[str]] = defaultdict(list)
    file_errors = [e for e in (*validation.errors, *extra_errors) if e.row is None]
    for e in (*validation.errors, *extra_errors):
        if e.row is not None:
            reasons[e.row].append(f"{e.column}: {e.reason}")
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("failed rows")
    ws.append([*table.headers, ERROR_COLUMN, SOURCE_ROW_COLUMN])
    file_reason = "; ".join(f"{e.column}: {e.reason}" for e in file_errors)
    for number, values in table.rows:
        if number in reasons or file_reason:
            reason = "; ".join(filter(None, [file_reason, *reasons.get(number, [])]))
            ws.append([*(v.isoformat() if isinstance(v, dt.datetime) else v for v in values), reason, number])
    return _xlsx_bytes(wb)


#: The template's example row: a rooftop site in Nanhu district, Jiaxing (WGS-84).
TEMPLATE_EXAMPLE = {
    "site_code": "JX-EXAMPLE-0001", "site_name": "南湖区-示例站点", "cell_name": "南湖区-示例站点-1",
    "cell_id": "460-00-123456-1", "lon": 120.7555, "lat": 30.7469, "azimuth": 120, "mech_tilt": 3, "elec_tilt": 6,
    "total_tilt": 9, "height": 30, "band": "n41", "freq": 2565, "bandwidth": "100M", "rs_power": 17.9,
    "total_power": 200, "gain": 17, "hpbw_h": 65, "hpbw_v": 10, "pci": 123, "operator": "中国移动", "owner": "中国铁塔",
    "technology": "5G", "site_type": "楼顶", "address": "示例市南湖区示例路1号", "on_air_date": "2021-06-30",
    "state": "在网", "power_supply": "直供电",
}


def template_header(column: Column) -> str:
    return f"{column.header}({column.unit})" if column.unit and column.unit != "°" else column.header


def template_xlsx() -> bytes:
    """The import template: sheet 工参表 with the Chinese headers and one example row, sheet 说明 explaining every
    column (English name, required, unit, allowed values, accepted header aliases)."""
    import openpyxl
    from openpyxl.styles import Font, PatternFill

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "工参表"
    bold = Font(bold=True)
    required = {k for keys, _ in REQUIRED_GROUPS for k in keys}
    for index, column in enumerate(COLUMNS, start=1):
        cell = ws.cell(row=1, column=index, value=template_header(column))
        cell.font = bold
        if column.required:
            cell.fill = PatternFill("solid", fgColor="FFF2CC")
        ws.cell(row=2, column=index, value=TEMPLATE_EXAMPLE.get(column.key))
        ws.column_dimensions[cell.column_letter].width = max(10, len(column.header) * 2 + 4)
    ws.freeze_panes = "A2"
    notes = wb.create_sheet("说明")
    notes.append(["列名 / column", "English", "必填 / required", "单位 / unit", "允许值 / allowed values",
                  "说明 / notes", "可用表头 / accepted headers"])
    for cell in notes[1]:
        cell.font = bold
    for column in COLUMNS:
        needed = "是 / yes" if column.required else ("之一 / one of a group" if column.key in required else "")
        notes.append([template_header(column), column.english, needed, column.unit, column.allowed,
                      column.description, ", ".join(column.aliases)])
    notes.append([])
    notes.append(["坐标系 / coordinate system", "WGS-84, CGCS2000 or GCJ-02 (chosen when importing)"])
    notes.append(["表头 / header row", f"the first row of the first {HEADER_SEARCH_ROWS} with at least "
                  f"{HEADER_MIN_MATCHES} known column names; title rows above it are ignored"])
    notes.append(["一次导入 / all or nothing", "any error: nothing is imported, unless you choose to import the "
                  "valid rows after a preview"])
    for letter, width in zip("ABCDEFG", (16, 22, 14, 10, 40, 60, 60), strict=True):
        notes.column_dimensions[letter].width = width
    return _xlsx_bytes(wb)

