"""Chinese translations of the program strings (merged into the catalogue by scripts/fill_translations.py)."""

ZH = {
}
