"""The embedded font: Roboto from the font-roboto package, which covers every Vietnamese letter
(ă â đ ê ô ơ ư with all five tones) and ₫. Registered once per process, under fixed names, so the
PDFs embed the same subset for the same text."""

from __future__ import annotations

from functools import cache

import font_roboto
from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

REGULAR, BOLD, ITALIC, BOLD_ITALIC = "Doc", "Doc-Bold", "Doc-Italic", "Doc-BoldItalic"
FILES = {REGULAR: "Roboto", BOLD: "RobotoBold", ITALIC: "RobotoItalic", BOLD_ITALIC: "RobotoBoldItalic"}


@cache
def register() -> str:
    """Register the family; returns its regular face's name."""
    for name, key in FILES.items():
        pdfmetrics.registerFont(TTFont(name, font_roboto.font_files[key]))
    for bold, italic, name in ((0, 0, REGULAR), (1, 0, BOLD), (0, 1, ITALIC), (1, 1, BOLD_ITALIC)):
        addMapping(REGULAR, bold, italic, name)
    return REGULAR
