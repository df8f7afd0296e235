"""Chinese translations of the coverage strings (merged into the catalogue by scripts/fill_translations.py)."""

ZH = {
}
