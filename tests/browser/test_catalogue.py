"""The message catalogues: every Vietnamese string translated, nothing fuzzy, the .mo compiled from
the .po as it stands. Plain Python (no browser): a tiny .po reader instead of polib."""

from __future__ import annotations

import ast
import gettext as gnu_gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

LOCALE = Path(settings.BASE_DIR) / "locale"
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


@dataclass
class Entry:
    msgid: str
    msgstrs: list[str]
    flags: set[str] = field(default_factory=set)
    context: str | None = None  # msgctxt: the same English in another sense


def read_po(path: Path) -> list[Entry]:
    """Entries of a .po file (header and obsolete #~ entries left out)."""
    entries = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        flags: set[str] = set()
        fields: dict[str, str] = {}
        current = None
        for line in block.splitlines():
            if line.startswith("#~"):
                fields = {}
                break
            if line.startswith("#,"):
                flags |= {flag.strip() for flag in line[2:].split(",")}
            elif line.startswith("#"):
                continue
            elif line.startswith('"') and current is not None:
                fields[current] += ast.literal_eval(line)
            elif line.strip():
                current, _, value = line.partition(" ")
                fields[current] = ast.literal_eval(value)
        if fields.get("msgid"):
            msgstrs = [value for key, value in fields.items() if key.startswith("msgstr")]
            entries.append(Entry(fields["msgid"], msgstrs, flags, fields.get("msgctxt")))
    return entries


VI_PO = LOCALE / "vi" / "LC_MESSAGES" / "django.po"
EN_PO = LOCALE / "en" / "LC_MESSAGES" / "django.po"


def test_every_vietnamese_string_is_translated_and_none_is_fuzzy():
    entries = read_po(VI_PO)
    assert len(entries) > 100
    untranslated = [e.msgid for e in entries if not all(e.msgstrs)]
    fuzzy = [e.msgid for e in entries if "fuzzy" in e.flags]
    assert untranslated == [], "run `make messages` and translate these in locale/vi/LC_MESSAGES/django.po"
    assert fuzzy == [], "check these translations and remove the fuzzy flag"
    header = VI_PO.read_text(encoding="utf-8").split("\n\n")[0]
    assert not re.search(r"^#,.*\bfuzzy\b", header, re.MULTILINE), "the header is marked fuzzy"


def test_translations_keep_every_placeholder():
    for entry in read_po(VI_PO):
        expected = sorted(PLACEHOLDER.findall(entry.msgid))
        for msgstr in entry.msgstrs:
            assert sorted(PLACEHOLDER.findall(msgstr)) == expected, entry.msgid


def test_english_catalogue_has_the_same_strings_and_nothing_fuzzy():
    english = read_po(EN_PO)
    assert {e.msgid for e in english} == {e.msgid for e in read_po(VI_PO)}
    assert [e.msgid for e in english if "fuzzy" in e.flags] == []


@pytest.mark.parametrize("language", ["vi", "en"])
def test_compiled_catalogue_matches_the_po(language):
    """A .po edited but not compiled (`make messages`) would show the old text: compare every entry."""
    po = LOCALE / language / "LC_MESSAGES" / "django.po"
    with (LOCALE / language / "LC_MESSAGES" / "django.mo").open("rb") as handle:
        compiled = gnu_gettext.GNUTranslations(handle)
    for entry in read_po(po):
        expected = entry.msgstrs[0] or entry.msgid
        if entry.context is None:
            assert compiled.gettext(entry.msgid) == expected, entry.msgid
        else:
            assert compiled.pgettext(entry.context, entry.msgid) == expected, (entry.context, entry.msgid)


@pytest.mark.parametrize(
    ("english", "vietnamese"),
    [
        ("Sign in", "Đăng nhập"),
        ("Sign out", "Đăng xuất"),
        ("Dashboard", "Tổng quan"),
        ("Audit log", "Nhật ký kiểm toán"),
        ("Rule book", "Bộ quy tắc"),
        ("Cost models", "Mô hình chi phí"),
        ("Tenders", "Gói thầu"),
        ("Settlements", "Quyết toán"),
        ("Agency finance officer", "Cán bộ tài chính cơ quan"),
        ("Skip to content", "Chuyển đến nội dung chính"),
    ],
)
def test_key_strings_read_in_vietnamese_and_stay_english_in_english(english, vietnamese):
    with translation.override("vi"):
        assert translation.gettext(english) == vietnamese
    with translation.override("en"):
        assert translation.gettext(english) == english


def test_role_labels_follow_the_language():
    from ppp.models import Role

    with translation.override("vi"):
        assert str(Role.APPROVER.label) == "Người phê duyệt (thẩm định)"
    with translation.override("en"):
        assert str(Role.APPROVER.label) == "Approver (reviewer)"


def test_amounts_are_written_the_readers_way():
    from ppp.templatetags.ppp_tags import amount

    with translation.override("vi"):
        assert amount("1234567", "VND") == "1.234.567 ₫"
    with translation.override("en"):
        assert amount("1234567", "VND") == "1,234,567 VND"
