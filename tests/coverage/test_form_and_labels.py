"""The coverage pages as a person reads them (issue 19 item 4): the form's date is a valid <input type=date> value
(ISO yyyy-mm-dd, so the browser shows it), dates in the Chinese form, no internal codes."""

import re

import pytest

pytestmark = pytest.mark.django_db


def test_the_run_forms_date_is_iso_so_the_field_is_not_empty(client_for, today):
    html = client_for("office").get("/coverage/").content.decode()
    field = re.search(r'<input type="date" name="as_of"[^>]*>', html).group(0)
    assert f'value="{today.isoformat()}"' in field  # 2026-11-16, never the localised 2026年11月16日 or 2026/11/16
