"""Chinese translations of the jobs strings (merged into the catalogue by scripts/fill_translations.py)."""

ZH = {
}
