"""Chinese translations of the resources strings (merged into the catalogue by scripts/fill_translations.py)."""

ZH = {
}
