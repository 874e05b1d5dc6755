"""The message catalogues: the only source of the translations, up to date with the source code
(what ``makemessages`` would write), complete in Dutch, and compiled into the .mo files."""

import re
import shutil
from pathlib import Path

import polib
import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import translation

import innomon

PACKAGE = Path(innomon.__file__).parent
LOCALE = PACKAGE / "locale"
LANGS = ("nl", "en")
# What the Makefile's `make messages` scans: Django's default extensions, migrations left out.
SCANNED = (".py", ".html", ".txt")
NAMED = re.compile(r"%\((\w+)\)")


def _copy_sources(target: Path) -> None:
    """The files makemessages reads (and the committed catalogues) into ``target``."""

    def ignore(folder: str, names: list[str]) -> list[str]:
        if Path(folder).name == "LC_MESSAGES":
            return [n for n in names if n != "django.po"]
        return [
            n
            for n in names
            if n in ("__pycache__", "migrations")
            or (not (Path(folder) / n).is_dir() and not n.endswith(SCANNED))
        ]

    shutil.copytree(PACKAGE, target, ignore=ignore)


def _makemessages(tree: Path, langs=LANGS) -> dict[str, polib.POFile]:
    """Run ``makemessages`` (the flags of ``make messages``) in ``tree``, a copy of the package,
    and return the catalogues it leaves there."""
    locale = tree / "locale"
    assert shutil.which("xgettext"), "xgettext is missing: run scripts/ensure-test-tools.sh"
    with pytest.MonkeyPatch.context() as mp, override_settings(LOCALE_PATHS=[locale]):
        mp.chdir(tree)
        call_command(
            "makemessages",
            locale=list(langs),
            no_obsolete=True,
            ignore_patterns=["migrations/*"],
            verbosity=0,
        )
    return {lang: polib.pofile(str(locale / lang / "LC_MESSAGES" / "django.po")) for lang in langs}


def _entries(po: polib.POFile) -> dict[tuple, tuple]:
    return {
        (e.msgctxt, e.msgid): (
            e.msgid_plural,
            sorted(e.flags),
            e.msgstr,
            sorted(e.msgstr_plural.items()),
            e.obsolete,
        )
        for e in po
    }


def _differences(committed: polib.POFile, regenerated: polib.POFile) -> list[str]:
    """What makemessages changed in a catalogue, header and `#:` locations aside."""
    old, new = _entries(committed), _entries(regenerated)
    out = [f"new: {key[1]!r}" for key in new.keys() - old.keys()]
    out += [f"gone: {key[1]!r}" for key in old.keys() - new.keys()]
    out += [
        f"changed: {key[1]!r}: {old[key]} -> {new[key]}"
        for key in old.keys() & new.keys()
        if old[key] != new[key]
    ]
    out += [f"fuzzy: {e.msgid!r}" for e in regenerated.fuzzy_entries()]
    out += [f"obsolete: {e.msgid!r}" for e in regenerated.obsolete_entries()]
    return sorted(out)


def _committed(lang: str) -> polib.POFile:
    return polib.pofile(str(LOCALE / lang / "LC_MESSAGES" / "django.po"))


def test_makemessages_would_not_change_a_catalogue(tmp_path):
    tree = tmp_path / "innomon"
    _copy_sources(tree)
    regenerated = _makemessages(tree)
    for lang in LANGS:
        assert _differences(_committed(lang), regenerated[lang]) == [], (
            f"{lang}: the catalogue is not up to date with the source; run `make messages` and "
            "translate the new messages in src/innomon/locale/nl/LC_MESSAGES/django.po"
        )


def test_a_new_message_without_its_translation_is_noticed(tmp_path):
    tree = tmp_path / "innomon"
    _copy_sources(tree)
    with (tree / "errors.py").open("a", encoding="utf-8") as fh:
        fh.write('\nfrom django.utils.translation import gettext as _\n_("a message no one has")\n')
    regenerated = _makemessages(tree, ["nl"])
    assert _differences(_committed("nl"), regenerated["nl"]) == ["new: 'a message no one has'"]


@pytest.mark.parametrize("lang", LANGS)
def test_compiled_catalogue_matches_its_source(lang):
    po = _committed(lang)
    mo = polib.mofile(str(LOCALE / lang / "LC_MESSAGES" / "django.mo"))
    compiled = {(e.msgctxt, e.msgid): (e.msgstr, e.msgstr_plural) for e in mo}
    for entry in po.translated_entries():
        key = (entry.msgctxt, entry.msgid)
        assert key in compiled, f"{lang}: '{entry.msgid}' missing from django.mo; run make messages"
        msgstr, plural = compiled[key]
        assert (msgstr, {int(k): v for k, v in plural.items()}) == (
            entry.msgstr,
            {int(k): v for k, v in entry.msgstr_plural.items()},
        ), entry.msgid


def test_dutch_catalogue_is_complete():
    po = _committed("nl")
    assert po.untranslated_entries() == []
    assert po.fuzzy_entries() == []
    assert po.obsolete_entries() == []


@pytest.mark.parametrize("lang", LANGS)
def test_translations_keep_the_named_placeholders(lang):
    """A translation names the same %(name)s parameters as its message, and formats."""
    for entry in _committed(lang).translated_entries():
        names = set(NAMED.findall(entry.msgid + (entry.msgid_plural or "")))
        if not names:
            continue
        params = dict.fromkeys(names, 1)
        forms = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
        for form in forms:
            assert set(NAMED.findall(form)) <= names, (entry.msgid, form)
            form % params  # raises on a broken placeholder or a lone %
        assert set(NAMED.findall(forms[-1])) == set(
            NAMED.findall(entry.msgid_plural or entry.msgid)
        )


def test_dutch_is_used_at_run_time():
    with translation.override("nl"):
        assert translation.gettext("suppressed") == "onderdrukt"
