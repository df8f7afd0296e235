"""The home region is configuration (issue 14 item 5): no city or province of the shipped boundaries, by adcode or by
name, and no policy document key appears in the code or the templates of ``src/rollout5g``.

What is searched: in Python, every string literal that is not a docstring and every identifier (comments and
docstrings may cite a clause of a document, e.g. "Jiaxing 二(一)3": that is traceability, not configuration); in
templates, everything outside ``{# … #}`` and ``{% comment %}`` blocks. What is allowed: data files (``*/data/``), the
demo loaders (``demo.py``, ``*/demo.py``), the synthetic scenario package (``core/scenario/``) and migrations.
A hit fails with its file:line, the word found and the line.
"""

from __future__ import annotations

import io
import json
import re
import tokenize
from pathlib import Path

import yaml

SRC = Path(__file__).resolve().parents[1] / "src" / "rollout5g"
BOUNDARIES = SRC / "regions" / "data" / "zhejiang_admin.geojson"
DOCUMENTS = SRC / "policy" / "data" / "documents"

#: Romanised names of the shipped province and cities (the boundary file carries the Chinese names only).
ROMANISED = ("Zhejiang", "Hangzhou", "Ningbo", "Wenzhou", "Jiaxing", "Huzhou", "Shaoxing", "Jinhua", "Quzhou",
             "Zhoushan", "Taizhou", "Lishui")


def _allowed(path: Path) -> bool:
    rel = path.relative_to(SRC).as_posix()
    return ("/data/" in f"/{rel}" or rel == "demo.py" or rel.endswith("/demo.py") or "/migrations/" in f"/{rel}"
            or rel.startswith("core/scenario/") or rel == "core/scenario.py")


def _patterns() -> re.Pattern:
    features = json.loads(BOUNDARIES.read_text(encoding="utf-8"))["features"]
    places = [f["properties"] for f in features if f["properties"]["level"] in ("province", "city")]
    words = []
    for p in places:
        words.append(rf"(?<!\d){p['adcode']}(?!\d)")
        name = p["name"]
        words.append(re.escape(name[:-1] if name[-1] in "市省" else name))
    words += [re.escape(n) for n in ROMANISED]
    for doc in sorted(DOCUMENTS.glob("*.yaml")):
        key = yaml.safe_load(doc.read_text(encoding="utf-8"))["document"]["key"]
        words.append(re.escape(key))
    assert len(places) == 12 and len(words) >= 12 * 2 + len(ROMANISED) + 2
    return re.compile("|".join(words), re.IGNORECASE)


def _python_hits(path: Path, pattern: re.Pattern):
    text = path.read_text(encoding="utf-8")
    tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    previous = tokenize.NEWLINE
    for i, tok in enumerate(tokens):
        if tok.type in (tokenize.STRING, tokenize.FSTRING_MIDDLE if hasattr(tokenize, "FSTRING_MIDDLE") else -1):
            # a docstring: a string statement standing alone (after a newline/indent, followed by a newline)
            nxt = next((t for t in tokens[i + 1:] if t.type not in (tokenize.NL, tokenize.COMMENT)), None)
            standalone = previous in (tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT, tokenize.ENCODING) and (
                nxt is None or nxt.type in (tokenize.NEWLINE, tokenize.ENDMARKER))
            if not standalone:
                for m in pattern.finditer(tok.string):
                    yield tok.start[0], m.group(0)
        elif tok.type == tokenize.NAME:
            for m in pattern.finditer(tok.string):
                yield tok.start[0], m.group(0)
        if tok.type not in (tokenize.NL, tokenize.COMMENT):
            previous = tok.type


_TEMPLATE_COMMENTS = re.compile(r"\{#.*?#\}|\{%\s*comment\s*%\}.*?\{%\s*endcomment\s*%\}", re.DOTALL)


def _template_hits(path: Path, pattern: re.Pattern):
    text = path.read_text(encoding="utf-8")
    blanked = _TEMPLATE_COMMENTS.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)
    for m in pattern.finditer(blanked):
        yield blanked.count("\n", 0, m.start()) + 1, m.group(0)


def test_no_home_region_in_code_or_templates():
    pattern = _patterns()
    hits = []
    for path in sorted(SRC.rglob("*")):
        if path.is_dir() or _allowed(path):
            continue
        if path.suffix == ".py":
            found = _python_hits(path, pattern)
        elif path.suffix == ".html" and "/templates/" in path.as_posix():
            found = _template_hits(path, pattern)
        else:
            continue
        lines = None
        for line, word in found:
            lines = lines or path.read_text(encoding="utf-8").splitlines()
            hits.append(f"{path.relative_to(SRC.parent)}:{line}: {word!r}: {lines[line - 1].strip()[:120]}")
    assert not hits, ("the home region is configuration (rollout5g.platform.home, regions.services.home_region()); "
                      "found in code:\n" + "\n".join(hits))


def test_the_grep_finds_what_it_looks_for(tmp_path):
    """The scanner itself: a literal and an identifier are found; a comment and a docstring are not."""
    pattern = _patterns()
    sample = tmp_path / "sample.py"
    sample.write_text('"""Jiaxing 二(一)3 is cited here."""\n'
                      "# 330400 in a comment\n"
                      'CITY = "330400"\n'
                      "def generate_jiaxing():\n"
                      '    """Docstring naming 嘉兴市."""\n'
                      '    return f"{CITY}-嘉兴"\n', encoding="utf-8")
    assert [line for line, _ in _python_hits(sample, pattern)] == [3, 4, 6]
    page = tmp_path / "page.html"
    page.write_text("{# 嘉兴 #}\n<p>{% translate \"Zhejiang\" %}</p>\n", encoding="utf-8")
    assert [line for line, _ in _template_hits(page, pattern)] == [2]
