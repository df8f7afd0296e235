"""Import of operators' engineering-parameter tables (工参表), in three steps, each usable alone:

1. :func:`read_table` (:mod:`.reader`) reads an ``.xlsx`` or ``.csv`` and finds the header row: the first of the
   first :data:`HEADER_SEARCH_ROWS` rows whose cells match at least :data:`HEADER_MIN_MATCHES` known column names
   (:mod:`.columns`: Chinese and English aliases, a unit in brackets is the column's unit), so title rows above
   it are skipped.
2. :func:`validate_table` (:mod:`.validation`, value parsers in :mod:`.parsers`) turns every data row into a
   :class:`CellRow` in the registry's units, or into :class:`RowError` s naming the file, the row as the
   spreadsheet shows it, the column as written and the reason. Checks that need the database (region of each
   point, other operators' cell ids, permissions) are in :mod:`.services`; upload limits in :mod:`.limits`.
3. :func:`failed_rows_xlsx` and :func:`template_xlsx` (:mod:`.writing`).

The web pages are in :mod:`.views`, the API in :mod:`.api`. Radio facts (ARFCN to frequency, N_RB, power per RE)
come from :mod:`rollout5g.core.radio.nr`; the cell fields from :mod:`rollout5g.core.radio.cells`.

This package's ``__init__`` imports only the pure steps (no database): ``from rollout5g.sites import imports``.
"""

from .columns import (
    COLUMNS,
    COLUMNS_BY_KEY,
    ERROR_COLUMN,
    HEADER_MIN_MATCHES,
    HEADER_SEARCH_ROWS,
    REQUIRED_GROUPS,
    SOURCE_ROW_COLUMN,
    SUPPORTED_SUFFIXES,
    Column,
    ImportFileError,
    match_header,
    normalize,
)
from .parsers import (
    earfcn_to_mhz,
    nr_arfcn_to_mhz,
    operator_aliases,
    parse_band,
    parse_bandwidth,
    parse_date,
    parse_number,
    parse_total_power_w,
    resolve_frequency,
)
from .reader import XLSX_ENGINES, RawTable, read_table
from .validation import CellRow, RowError, Validation, rs_power_from_total, validate_table
from .writing import failed_rows_xlsx, template_xlsx

__all__ = [
    "COLUMNS", "COLUMNS_BY_KEY", "ERROR_COLUMN", "HEADER_MIN_MATCHES", "HEADER_SEARCH_ROWS", "REQUIRED_GROUPS",
    "SOURCE_ROW_COLUMN", "SUPPORTED_SUFFIXES", "XLSX_ENGINES", "CellRow", "Column", "ImportFileError", "RawTable",
    "RowError", "Validation", "earfcn_to_mhz", "failed_rows_xlsx", "match_header", "normalize", "nr_arfcn_to_mhz",
    "operator_aliases", "parse_band", "parse_bandwidth", "parse_date", "parse_number", "parse_total_power_w",
    "read_table", "resolve_frequency", "rs_power_from_total", "template_xlsx", "validate_table",
]
