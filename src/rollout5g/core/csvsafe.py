"""CSV cells that a spreadsheet cannot run: the one writer every CSV export of rollout5g uses.

Excel, WPS and LibreOffice read a cell that begins with ``=``, ``+``, ``-`` or ``@`` as a formula (and a tab or
carriage return at the start can hide such a prefix), so a site or resource named ``=HYPERLINK("http://…")`` would
run in the spreadsheet of every official who opens the export (CSV injection, CWE-1236). OWASP's rule is applied:
such a text cell is written with a leading apostrophe, which the spreadsheet shows as text.

Numbers stay numbers: a value of type int/float/Decimal, or a text that is a plain number (``-12.5``, ``+3``,
``1e-3``), is written as it is — negative coordinates and tilts must remain numbers.

Reference: OWASP, "CSV Injection" (https://owasp.org/www-community/attacks/CSV_Injection).
"""

from __future__ import annotations

import csv
import re
from decimal import Decimal

#: Characters that make a spreadsheet read a cell as a formula (or hide such a character).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def neutralise(value):
    """The cell as it is safe to write: a text starting with a formula trigger gets a leading ``'``."""
    if value is None or isinstance(value, bool | int | float | Decimal):
        return value
    text = value if isinstance(value, str) else str(value)
    if text.startswith(FORMULA_TRIGGERS) and not _PLAIN_NUMBER.match(text):
        return "'" + text
    return value


class SafeWriter:
    """``csv.writer`` whose rows are neutralised cell by cell (same ``writerow``/``writerows``)."""

    def __init__(self, stream, *args, **kwargs):
        self._writer = csv.writer(stream, *args, **kwargs)

    def writerow(self, row):
        return self._writer.writerow([neutralise(v) for v in row])

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)

    @property
    def dialect(self):
        return self._writer.dialect


def writer(stream, *args, **kwargs) -> SafeWriter:
    """Drop-in for ``csv.writer`` that writes no formula."""
    return SafeWriter(stream, *args, **kwargs)
