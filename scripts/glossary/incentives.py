"""Chinese translations of the incentives strings (merged into the catalogue by scripts/fill_translations.py)."""

ZH = {
}
