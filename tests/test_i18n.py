"""The message catalogues: complete in Dutch, and the compiled .mo files match their .po."""

from pathlib import Path

import polib
import pytest
from django.utils import translation

import innomon

LOCALE = Path(innomon.__file__).parent / "locale"


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_compiled_catalogue_matches_its_source(lang):
    po = polib.pofile(str(LOCALE / lang / "LC_MESSAGES" / "django.po"))
    mo = polib.mofile(str(LOCALE / lang / "LC_MESSAGES" / "django.mo"))
    compiled = {e.msgid: (e.msgstr, e.msgstr_plural) for e in mo}
    for entry in po.translated_entries():
        assert entry.msgid in compiled, (
            f"{lang}: '{entry.msgid}' missing from django.mo; run make messages"
        )
        msgstr, plural = compiled[entry.msgid]
        assert (msgstr, {int(k): v for k, v in plural.items()}) == (
            entry.msgstr,
            {int(k): v for k, v in entry.msgstr_plural.items()},
        ), entry.msgid


def test_dutch_catalogue_is_complete():
    po = polib.pofile(str(LOCALE / "nl" / "LC_MESSAGES" / "django.po"))
    assert po.untranslated_entries() == []
    assert po.fuzzy_entries() == []


def test_dutch_is_used_at_run_time():
    with translation.override("nl"):
        assert translation.gettext("suppressed") == "onderdrukt"
