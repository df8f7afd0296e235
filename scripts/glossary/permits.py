"""Chinese translations of the permits strings (merged into the catalogue by scripts/fill_translations.py)."""

ZH = {
}
