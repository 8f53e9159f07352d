"""Translations of the web pages, from Babel catalogues read at start-up (no compiled .mo files to keep).

English is the source language: message ids are English, so English needs no catalogue. Simplified
Chinese (``zh_CN``), the default, is ``zh_CN/LC_MESSAGES/messages.po``. After adding or changing texts in
templates or pages, run ``python -m gongzhi.web.i18n`` to add the new ids to the catalogue, then translate
them; ``tests/web/test_pages_i18n.py`` fails while a text has no translation.
"""

from __future__ import annotations

from functools import lru_cache
from gettext import GNUTranslations, NullTranslations
from io import BytesIO
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

HERE = Path(__file__).parent
DEFAULT = "zh_CN"
LANGUAGES = {"zh_CN": "中文", "en": "English"}


def catalogue_path(lang: str) -> Path:
    return HERE / lang / "LC_MESSAGES" / "messages.po"


@lru_cache(maxsize=len(LANGUAGES))
def translations(lang: str) -> NullTranslations:
    """The translations of ``lang``; English and unknown languages get the message ids themselves."""
    path = catalogue_path(lang)
    if lang == "en" or not path.exists():
        return NullTranslations()
    with path.open("rb") as source:
        catalog = read_po(source, locale=lang)
    compiled = BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return GNUTranslations(compiled)


def N_(message: str) -> str:  # noqa: N802 - the gettext convention for "translate later"
    """Mark a text for the catalogue without translating it now (labels, messages built before a request)."""
    return message
