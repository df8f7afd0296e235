"""Chinese translations of the cases strings (merged into the catalogue by scripts/fill_translations.py)."""

ZH = {
}
