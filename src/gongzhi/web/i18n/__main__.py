"""Update the catalogues from the templates and page modules: ``python -m gongzhi.web.i18n``."""

from __future__ import annotations

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from gongzhi.web.i18n import HERE, LANGUAGES, catalogue_path

KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}
METHODS = [("templates/**.html", "jinja2"), ("pages/**.py", "python")]


def extract() -> Catalog:
    """Every translatable text of the web interface, with where it is used."""
    catalog = Catalog(project="gongzhi", charset="utf-8")
    for filename, lineno, message, comments, _context in extract_from_dir(
        HERE.parent, METHODS, keywords=KEYWORDS, comment_tags=("TRANSLATORS:",)
    ):
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments)
    return catalog


def update(lang: str) -> int:
    """Merge new texts into the ``lang`` catalogue, keeping translations; returns how many have none."""
    path = catalogue_path(lang)
    template = extract()
    if path.exists():
        with path.open("rb") as source:
            catalog = read_po(source, locale=lang)
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        catalog = Catalog(locale=lang, project="gongzhi", charset="utf-8")
    catalog.update(template, no_fuzzy_matching=True)
    catalog.obsolete.clear()
    with path.open("wb") as target:
        write_po(target, catalog, width=120, omit_header=False, sort_output=False)
    return sum(1 for m in catalog if m.id and not m.string)


if __name__ == "__main__":
    for language in LANGUAGES:
        if language != "en":
            missing = update(language)
            print(f"{catalogue_path(language)}: {missing} texts to translate")  # noqa: T201
