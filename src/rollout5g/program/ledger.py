"""The task ledger (台账) as an Excel workbook: export the template with Chinese headers, units fill in their
progress, upload it back. The upload is all or nothing: every row is checked, errors are reported by row, field and
reason, and one bad row writes nothing."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from rollout5g.organizations.models import Organization
from rollout5g.policy.models import PolicyTask

from .selectors import task_statuses
from .services import is_office, report_submit, task_unit_ids

SHEET = "任务台账"
#: (header, key, width, filled by the unit)
COLUMNS = [
    ("任务ID", "task_id", 8, False),
    ("文件", "document", 22, False),
    ("编号", "number", 8, False),
    ("任务", "title", 40, False),
    ("牵头/责任单位", "units", 30, False),
    ("状态", "status", 10, False),
    ("截止日期", "deadline", 12, False),
    ("灯色", "colour", 8, False),
    ("填报单位代码", "unit_code", 18, True),
    ("报告月份", "period", 10, True),
    ("进展情况", "text", 50, True),
    ("指标数值", "figures", 30, True),
]
HEADERS = [c[0] for c in COLUMNS]
FILLED = PatternFill("solid", fgColor="FFF2CC")


def export_ledger(user, *, today: dt.date | None = None) -> bytes:
    """The ledger of the tasks ``user`` reports on (every task for the programme office), one row per task, with
    the unit's code and the current month pre-filled; yellow columns are the unit's to fill."""
    today = today or dt.date.today()
    queryset = PolicyTask.objects.all()
    if not is_office(user):
        queryset = queryset.filter(units__organization=user.organization_id).distinct()
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    ws.append(HEADERS)
    for cell, (_, _, width, filled) in zip(ws[1], COLUMNS, strict=True):
        cell.font = Font(bold=True)
        if filled:
            cell.fill = FILLED
        ws.column_dimensions[cell.column_letter].width = width
    for row in task_statuses(queryset, today=today):
        task = row.task
        keys = ", ".join(f"{t.indicator.key}=" for t in task.targets.all())
        ws.append([
            task.pk, task.document.short_title or task.document.title, task.number, task.title,
            "、".join(u.display_name for u in task.units.all() if u.role in ("lead", "responsible")),
            task.get_status_display(), row.facts.deadline.isoformat() if row.facts.deadline else "",
            row.verdict.colour, "" if is_office(user) else (user.organization.code if user.organization else ""),
            f"{today:%Y-%m}", "", keys,
        ])
    ws.freeze_panes = "E2"
    check = DataValidation(type="textLength", operator="lessThanOrEqual", formula1="2000", allow_blank=True)
    ws.add_data_validation(check)
    check.add(f"K2:K{max(2, ws.max_row)}")
    notes = wb.create_sheet("填报说明")
    for line in (
        ["填报说明"],
        ["只填写黄色列；其他列请勿修改。每行对应一项任务；不填“进展情况”的行不导入。"],
        ["填报单位代码：本单位代码（如 jx-mobile）；专班代填时填写被代填单位代码。"],
        ["报告月份：YYYY-MM，例如 2021-06。"],
        ["指标数值：指标键=数值，多个用逗号分隔，例如 jx-5g-base-stations=8120。"],
        ["上传时整表校验：任何一行有错，全部不导入，并按行、列、原因列出错误。"],
    ):
        notes.append(line)
    notes.column_dimensions["A"].width = 100
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@dataclass
class LedgerError:
    row: int
    field: str
    reason: str

    def __str__(self):
        return f"row {self.row}, {self.field}: {self.reason}"


@dataclass
class LedgerResult:
    imported: int = 0
    skipped: int = 0
    errors: list[LedgerError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _text(value) -> str:
    return "" if value is None else str(value).strip()


def _period(value) -> dt.date:
    if isinstance(value, dt.datetime | dt.date):
        return dt.date(value.year, value.month, 1)
    text = _text(value).replace("/", "-").replace(".", "-")
    try:
        year, month = text.split("-")[:2]
        return dt.date(int(year), int(month), 1)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"{text!r} is not a month (YYYY-MM)") from exc


def _figures(value) -> dict:
    out = {}
    for part in _text(value).replace("，", ",").split(","):
        part = part.strip()
        if not part:
            continue
        if "=" not in part:
            raise ValueError(f"{part!r} is not key=value")
        key, number = (p.strip() for p in part.split("=", 1))
        if number:
            out[key] = number
    return out


def import_ledger(*, actor, data: bytes, filename: str = "ledger.xlsx") -> LedgerResult:
    """Import the filled ledger. Every row with progress text becomes (or replaces) a progress report of the named
    unit for the named month. Nothing is written if any row is wrong."""
    result = LedgerResult()
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several unrelated types for a non-workbook
        result.errors.append(LedgerError(0, filename, f"not an Excel workbook ({exc.__class__.__name__})"))
        return result
    if SHEET not in wb.sheetnames:
        result.errors.append(LedgerError(0, filename, f"sheet {SHEET!r} is missing"))
        return result
    rows = wb[SHEET].iter_rows(values_only=True)
    header = [_text(h) for h in next(rows, ())]
    missing = [h for h in HEADERS if h not in header]
    if missing:
        result.errors.append(LedgerError(1, ", ".join(missing), "column missing from the header row"))
        return result
    col = {key: header.index(h) for h, key, _, _ in COLUMNS}
    organizations = {o.code: o for o in Organization.objects.all()}
    with transaction.atomic():
        for n, values in enumerate(rows, start=2):
            values = list(values) + [None] * (len(header) - len(values))
            text = _text(values[col["text"]])
            if not text:
                result.skipped += 1
                continue
            try:
                task_id = int(_text(values[col["task_id"]]))
                task = PolicyTask.objects.get(pk=task_id)
            except (ValueError, PolicyTask.DoesNotExist):
                result.errors.append(LedgerError(n, "任务ID", f"{values[col['task_id']]!r} is not a task"))
                continue
            code = _text(values[col["unit_code"]]) or (actor.organization.code if actor.organization_id else "")
            organization = organizations.get(code)
            if organization is None:
                result.errors.append(LedgerError(n, "填报单位代码", f"{code!r} is not an organization code"))
                continue
            if organization.pk not in task_unit_ids(task):
                result.errors.append(LedgerError(n, "填报单位代码", f"{code} is not a unit of task {task.number}"))
                continue
            try:
                period = _period(values[col["period"]])
            except ValueError as exc:
                result.errors.append(LedgerError(n, "报告月份", str(exc)))
                continue
            try:
                figures = _figures(values[col["figures"]])
            except ValueError as exc:
                result.errors.append(LedgerError(n, "指标数值", str(exc)))
                continue
            try:
                with transaction.atomic():
                    report_submit(actor=actor, task=task, organization=organization, period=period, text=text,
                                  figures=figures)
                result.imported += 1
            except PermissionDenied as exc:
                result.errors.append(LedgerError(n, "填报单位代码", str(exc)))
            except ValidationError as exc:
                for fld, messages in exc.message_dict.items():
                    name = {"figures": "指标数值", "text": "进展情况"}.get(fld, fld)
                    result.errors.append(LedgerError(n, name, "; ".join(messages)))
        if result.errors:
            transaction.set_rollback(True)
            result.imported = 0
    return result


def province_workbook(overview: dict) -> bytes:
    """The province's ledger by city (台账): one row per city and the province's total — the indicators from each
    city's live data, the approvals, the special plan and the open list against their deadlines, the evaluation
    score. Text cells are neutralised against formula injection."""
    from django.utils.translation import gettext as _

    from rollout5g.core.csvsafe import neutralise
    from rollout5g.platform.formats import long_date

    wb = Workbook()
    ws = wb.active
    ws.title = _("Cities")[:31]
    headers = [_("City"), *[f"{i.name}（{i.unit}）" if i.unit and not i.is_share else i.name
                            for i in overview["indicators"]],
               _("Applications in progress"), _("Applications late"), _("Applications decided"),
               _("Median working days to a decision"),
               _("Special plan first published"), _("Special plan deadline"), _("Special plan"),
               _("Open-list releases"), _("Open list first released"), _("Open list deadline"), _("Open list"),
               _("Evaluation score"), _("Rank")]
    ws.append([_("The province's cities"), _("As of %(date)s") % {"date": long_date(overview["as_of"])}])
    ws.append(headers)
    for cell in ws[2]:
        cell.font = Font(bold=True)

    def numbers(values):
        return [v["value"] for v in values]

    def approvals(a):
        return [a["in_progress"], a["late"], a["decided"], a["median_working_days"]]

    for row in overview["rows"]:
        score = row["score"] or {}
        ws.append([neutralise(row["city"].name), *numbers(row["values"]), *approvals(row["approvals"]),
                   row["plan"]["first"], row["plan"]["deadline"], neutralise(str(row["plan"]["label"])),
                   row["releases"]["count"], row["releases"]["first"], row["releases"]["deadline"],
                   neutralise(str(row["releases"]["label"])), score.get("score"), score.get("rank")])
        _shares(ws, overview)
    total = overview["total"]
    if total is not None:
        ws.append([neutralise(total["region"].name), *numbers(total["values"]), *approvals(total["approvals"])])
        for cell in ws[ws.max_row]:
            cell.font = Font(bold=True)
        _shares(ws, overview)
    for n, width in enumerate([12] + [16] * (len(headers) - 1), start=1):
        ws.column_dimensions[ws.cell(row=2, column=n).column_letter].width = width
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _shares(ws, overview) -> None:
    for offset, indicator in enumerate(overview["indicators"], start=2):
        cell = ws.cell(row=ws.max_row, column=offset)
        cell.number_format = "0.0%" if indicator.is_share else "0"
    for column in (len(overview["indicators"]) + 6, len(overview["indicators"]) + 7,
                   len(overview["indicators"]) + 10, len(overview["indicators"]) + 11):
        ws.cell(row=ws.max_row, column=column).number_format = "yyyy-mm-dd"
