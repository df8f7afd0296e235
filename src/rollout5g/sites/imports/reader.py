"""Reading a 工参 file: ``.csv`` (UTF-8, UTF-8 with BOM or GBK, detected) or ``.xlsx`` (python-calamine by default;
the hand-written sheet-XML reader and openpyxl on request), and finding its header row and columns."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from . import limits as import_limits
from .columns import (
    COLUMNS_BY_KEY,
    HEADER_MIN_MATCHES,
    HEADER_SEARCH_ROWS,
    SUPPORTED_SUFFIXES,
    ImportFileError,
    match_header,
    normalize,
)
from .xlsx_direct import _fast_xlsx_sheets

# --------------------------------------------------------------------------------------------------- reading


@dataclass
class RawTable:
    """The rows of one file as read: ``rows`` are ``(row number as the spreadsheet shows it, values)``."""

    file_name: str
    headers: list[str]
    header_row: int
    columns: dict[str, int]  # key -> index of the column
    units: dict[str, str]  # key -> unit written in the header ("" if none)
    header_keys: dict[str, str]  # key -> normalized header (to tell an ARFCN column)
    rows: list[tuple[int, tuple]]
    sheet: str = ""
    encoding: str = ""
    sha256: str = ""

    def header_of(self, key: str) -> str:
        """The column's header as written in the file (or the template's name if the file has none)."""
        index = self.columns.get(key)
        return self.headers[index] if index is not None else COLUMNS_BY_KEY[key].header


def _clean(value):
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def _find_header(rows: list[tuple[int, tuple]]):
    for number, values in rows[:HEADER_SEARCH_ROWS]:
        keys = {match_header(v)[0] for v in values} - {None}
        if len(keys) >= HEADER_MIN_MATCHES:
            return number, values
    return None, None


def _detect_encoding(data: bytes) -> tuple[str, str]:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        # GB18030 is a superset of GBK and GB2312
        return data.decode("gb18030"), "gbk"
    except UnicodeDecodeError as exc:
        raise ImportFileError("the file is neither UTF-8 nor GBK text") from exc


def _csv_rows(data: bytes, file_name: str = "") -> tuple[list[tuple[int, tuple]], str]:
    text, encoding = _detect_encoding(data)
    sample = text[:8192]
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters=",\t;|").delimiter
    except csv.Error:
        delimiter = ","
    # The csv module refuses a field over its limit (131,072 characters by default) with an exception; the file
    # is already in memory, so no field can be longer than it: let the reader through and report a long value as a
    # row/column error (validate_table, MAX_FIELD_CHARS).
    if csv.field_size_limit() < len(text) + 1:
        csv.field_size_limit(len(text) + 1)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows = []
    try:
        for r in reader:
            rows.append((reader.line_num, tuple(r)))
    except csv.Error as exc:
        raise ImportFileError(f"{file_name}: line {reader.line_num}: not readable as CSV ({exc})") from exc
    return rows, encoding


def _openpyxl_sheets(path: Path):
    """``[(title, rows)]`` with openpyxl in read-only mode (the active sheet first); rows are
    ``(row number, values)``."""
    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # zipfile.BadZipFile, KeyError, InvalidFileException …
        raise ImportFileError(f"not a readable .xlsx workbook ({exc})") from exc
    sheets = list(wb.worksheets)
    active = wb.active
    if active in sheets:  # the sheet the user last looked at first
        sheets.remove(active)
        sheets.insert(0, active)

    return [(ws.title, enumerate(ws.iter_rows(values_only=True), start=1)) for ws in sheets], wb.close



def _xlsx_candidates(path: Path, reader) -> list[tuple[str, list]]:
    """The first sheet (active first) with a header row in its first rows, with all its rows."""
    sheets, close = reader(path)
    try:
        for title, rows_iter in sheets:
            rows = []
            header_at = None
            for number, values in rows_iter:
                rows.append((number, values))
                if header_at is None and number <= HEADER_SEARCH_ROWS:
                    if len({match_header(v)[0] for v in values} - {None}) >= HEADER_MIN_MATCHES:
                        header_at = number
                if header_at is None and number >= HEADER_SEARCH_ROWS:
                    break
            if header_at is not None:
                return [(title, rows)]
        return []
    finally:
        close()


def _calamine_value(v):
    """A calamine cell as the other readers give it: empty -> None, a whole float -> int, a date -> midnight."""
    if v == "":
        return None
    if isinstance(v, float):
        return int(v) if v.is_integer() else v
    if type(v) is dt.date:
        return dt.datetime(v.year, v.month, v.day)
    return v


def _calamine_sheets(path: Path):
    """``[(title, rows)]`` read with python-calamine (Rust), the active sheet first; rows are ``(row number as the
    spreadsheet shows it, values)`` with empty cells ``None`` and whole numbers ``int``, as the other readers give."""
    import zipfile

    from python_calamine import CalamineWorkbook, SheetTypeEnum

    try:
        wb = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # CalamineError, zip errors …
        raise ImportFileError(f"not a readable .xlsx workbook ({exc})") from exc
    names = [m.name for m in wb.sheets_metadata if m.typ == SheetTypeEnum.WorkSheet]
    try:  # calamine does not say which sheet is active: the workbook view does (ECMA-376 §18.2.30)
        with zipfile.ZipFile(path) as zf:
            view = re.search(rb'<(?:\w+:)?workbookView[^>]*\bactiveTab="(\d+)"', zf.read("xl/workbook.xml"))
        active = int(view.group(1)) if view else 0
    except (KeyError, zipfile.BadZipFile, OSError):
        active = 0
    if 0 < active < len(names):
        names.insert(0, names.pop(active))

    def numbered(name):
        sheet = wb.get_sheet_by_name(name)
        start = sheet.start
        if start is None:  # an empty sheet
            return
        first_row, first_col = start
        pad = (None,) * first_col
        for number, values in enumerate(sheet.iter_rows(), start=first_row + 1):
            yield number, pad + tuple(_calamine_value(v) for v in values)

    return [(name, numbered(name)) for name in names], wb.close


XLSX_ENGINES = ("auto", "calamine", "direct", "openpyxl")


def read_table(path: Path | str, *, file_name: str | None = None, engine: str = "auto") -> RawTable:
    """Read a 工参 file and locate its header row and columns.

    Parameters
    ----------
    path : path of an ``.xlsx``/``.xlsm`` or ``.csv``/``.txt`` file.
    file_name : the name to report (the uploaded file's name); default the path's name.
    engine : how to read an .xlsx: ``calamine`` (python-calamine, the fastest: benchmarks/xlsx_reader.py),
        ``direct`` (the hand-written sheet-XML reader), ``openpyxl`` (read-only mode), or ``auto`` (calamine,
        falling back to openpyxl for anything it cannot read).

    Raises
    ------
    ImportFileError
        Unknown file type, unreadable file, or no header row in the first 15 rows of any sheet.
    """
    path = Path(path)
    file_name = file_name or path.name
    suffix = Path(file_name).suffix.lower() or path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise ImportFileError(f"{file_name}: unsupported file type '{suffix}'; use .xlsx or .csv")
    try:
        import_limits.check_upload_size(path.stat().st_size, file_name)
    except import_limits.UploadRefused as exc:
        raise ImportFileError(str(exc)) from None
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if suffix in (".csv", ".txt"):
        all_rows, encoding = _csv_rows(data, file_name)
        candidates = [("", all_rows)]
    else:
        encoding = ""
        try:
            import_limits.check_zip_archive(path, file_name)
        except import_limits.UploadRefused as exc:
            raise ImportFileError(str(exc)) from None
        if engine not in XLSX_ENGINES:
            raise ValueError(f"unknown engine {engine!r}; valid: {', '.join(XLSX_ENGINES)}")
        if engine == "openpyxl":
            candidates = _xlsx_candidates(path, _openpyxl_sheets)
        elif engine in ("auto", "calamine"):
            try:
                candidates = _xlsx_candidates(path, _calamine_sheets)
            except ImportFileError:
                raise
            except Exception:
                if engine == "calamine":
                    raise
                # something calamine does not read: let openpyxl try
                candidates = _xlsx_candidates(path, _openpyxl_sheets)
        else:
            try:
                candidates = _xlsx_candidates(path, _fast_xlsx_sheets)
            except ImportFileError:
                raise
            except Exception:
                if engine == "direct":
                    raise
                # something the direct reader does not know: let openpyxl read it
                candidates = _xlsx_candidates(path, _openpyxl_sheets)
    for sheet, rows in candidates:
        number, header_values = _find_header(rows)
        if number is None:
            continue
        headers = ["" if v is None else unicodedata.normalize("NFKC", str(v)).strip() for v in header_values]
        columns, units, header_keys = {}, {}, {}
        for index, text in enumerate(headers):
            key, unit = match_header(text)
            if key and key not in columns:
                columns[key], units[key], header_keys[key] = index, unit, normalize(text)
        width = len(headers)
        data_rows = []
        for n, values in rows:
            if n <= number:
                continue
            values = tuple(_clean(v) for v in values[:width])
            if all(v is None for v in values):
                continue
            if len(values) < width:
                values = values + (None,) * (width - len(values))
            data_rows.append((n, values))
        return RawTable(file_name=file_name, headers=headers, header_row=number, columns=columns, units=units,
                        header_keys=header_keys, rows=data_rows, sheet=sheet, encoding=encoding, sha256=digest)
    raise ImportFileError(
        f"{file_name}: no header row found in the first {HEADER_SEARCH_ROWS} rows (expected column names such as "
        "站名, 小区ID, 经度, 纬度, 方位角, 挂高, 频段)"
    )


