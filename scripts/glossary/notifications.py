"""Chinese translations of the notifications strings (merged into the catalogue by scripts/fill_translations.py)."""

ZH = {
}
