"""Is a Chinese font installed? One check for every PDF the platform renders (certificates, briefings) and for
``rollout5g doctor`` / ``/readyz``.

WeasyPrint draws text through pango and fontconfig. Without a font that covers Chinese, it does not fail: it draws
empty boxes (tofu) and logs one warning per missing glyph, so a certificate would be issued, hash-sealed and stored
unreadable. The renderers call :func:`require_cjk_font` first and refuse instead, naming the package to install.
"""

from __future__ import annotations

import shutil
import subprocess
import threading
import time

from django.utils.translation import gettext as _

#: The Debian / Ubuntu package that provides the font the PDF templates name ("Noto Sans CJK SC").
CJK_FONT_PACKAGE = "fonts-noto-cjk"

_CACHE_SECONDS = 300.0
_lock = threading.Lock()
_cache: dict[str, object] = {}


class MissingFontError(RuntimeError):
    """No font covering Chinese is installed: a PDF would show boxes instead of text."""


def _query_fontconfig() -> tuple[str, ...]:
    fc_list = shutil.which("fc-list")
    if fc_list is None:  # no fontconfig at all: pango (and WeasyPrint) cannot find any font either
        return ()
    try:
        out = subprocess.run([fc_list, ":lang=zh", "family"], capture_output=True, text=True, timeout=20,
                             check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return ()
    families = set()
    for line in out.splitlines():
        for name in line.split(","):
            if name.strip():
                families.add(name.strip())
    return tuple(sorted(families))


def cjk_font_families(*, refresh: bool = False) -> tuple[str, ...]:
    """The font families fontconfig knows that cover Chinese (``fc-list :lang=zh family``), cached five minutes
    per process; empty when there is none (or no fontconfig)."""
    with _lock:
        stamp = _cache.get("at")
        if refresh or stamp is None or time.monotonic() - float(stamp) > _CACHE_SECONDS:
            _cache["families"] = _query_fontconfig()
            _cache["at"] = time.monotonic()
        return _cache["families"]  # type: ignore[return-value]


def missing_font_message() -> str:
    return _("No Chinese font is installed, so the PDF would show empty boxes instead of text. Install the "
             "package %(package)s (apt-get install %(package)s) and restart rollout5g.") % {
        "package": CJK_FONT_PACKAGE}


def require_cjk_font() -> None:
    """Raise :class:`MissingFontError` (its message names the package to install) unless a Chinese font is
    installed. Every PDF renderer calls it before rendering."""
    if not cjk_font_families():
        raise MissingFontError(missing_font_message())
