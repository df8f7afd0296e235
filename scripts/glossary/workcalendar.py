"""Chinese translations of the workcalendar strings (merged into the catalogue by scripts/fill_translations.py)."""

ZH = {
}
