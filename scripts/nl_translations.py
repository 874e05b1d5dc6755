"""Fill the Dutch catalogue from this table and those in scripts/nl/ (run after `makemessages`),
then compile both catalogues with polib, so that no gettext binaries are needed on a user's machine."""

from __future__ import annotations

import sys
from pathlib import Path

import polib

LOCALE = Path(__file__).resolve().parent.parent / "src" / "innomon" / "locale"

NL = {
    "The language the firm answered in (nl or en), when the survey tool says.": "De taal waarin het bedrijf antwoordde (nl of en), als het enquêteprogramma die doorgeeft.",
    "Dashboard": "Dashboard",
    "regional SME innovation monitor": "regionale mkb-innovatiemonitor",
    "Language": "Taal",
    "Switch": "Wisselen",
    "The regional SME innovation monitor: the annual survey of small and medium-sized firms, "
    "its estimates, the report and every firm's Innovation Passport.": "De regionale mkb-innovatiemonitor: de jaarlijkse enquête onder het midden- en kleinbedrijf, "
    "de schattingen, het rapport en het Innovatiepaspoort van elk bedrijf.",
    "Synthetic demonstration data: these figures describe no real firms.": "Synthetische demonstratiedata: deze cijfers beschrijven geen echte bedrijven.",
    "Report %(year)s": "Rapport %(year)s",
    "not built yet": "nog niet gemaakt",
    "No monitor data yet. Run `innomon demo` to load the Northern Netherlands demo.": "Nog geen monitorgegevens. Start `innomon demo` om de Noord-Nederlandse demo te laden.",
    "Back office (monitor team)": "Beheer (monitorteam)",
    "Innovation monitor %(region)s %(year)s": "Innovatiemonitor %(region)s %(year)s",
    "Headline figures": "Kerncijfers",
    "Unweighted sample shares: these describe the responding firms, not the whole SME population of the region. When the wave has a build, the weighted estimates with their confidence intervals follow below.": "Ongewogen steekproefaandelen: deze beschrijven de responderende bedrijven, niet het hele mkb van de regio. Als de ronde een analyse heeft, volgen hieronder de gewogen schattingen met hun betrouwbaarheidsintervallen.",
    "Responding SMEs": "Responderende mkb-bedrijven",
    "of %(invited)s firms invited": "van %(invited)s uitgenodigde bedrijven",
    "Taking part in at least one collaboration initiative": "Neemt deel aan minstens één samenwerkingsinitiatief",
    "suppressed": "onderdrukt",
    "unweighted sample share": "ongewogen steekproefaandeel",
    "Top innovators": "Topinnovatoren",
    "Top innovators earn more than %(threshold_pct)s%% of their turnover from products new to "
    "the market.": "Topinnovatoren halen meer dan %(threshold_pct)s%% van hun omzet uit producten die nieuw "
    "zijn voor de markt.",
    "Method and response": "Methode en respons",
    "Fieldwork": "Veldwerk",
    "Questionnaire version": "Versie vragenlijst",
    "Firms invited": "Uitgenodigde bedrijven",
    "Complete responses": "Volledige responses",
    "Response rate": "Responspercentage",
    "Partial responses (not used)": "Onvolledige responses (niet gebruikt)",
    "Excluded (not an SME)": "Uitgesloten (geen mkb)",
    "Also responded in the previous wave": "Deed ook mee aan de vorige ronde",
    "Synthetic demonstration data.": "Synthetische demonstratiedata.",
    "Register": "Register",
    "'%(value)s' is not a KvK number: it must be exactly 8 digits": "'%(value)s' is geen KvK-nummer: dat bestaat uit precies 8 cijfers",
    "code": "code",
    "name (Dutch)": "naam (Nederlands)",
    "name (English)": "naam (Engels)",
    "boundaries year": "jaar gebiedsindeling",
    "region": "regio",
    "regions": "regio's",
    "CBS code": "CBS-code",
    "province": "provincie",
    "provinces": "provincies",
    "COROP region": "COROP-gebied",
    "COROP regions": "COROP-gebieden",
    "name": "naam",
    "municipality": "gemeente",
    "municipalities": "gemeenten",
    "KvK number": "KvK-nummer",
    "SBI 2008 code": "SBI 2008-code",
    "SBI section": "SBI-sectie",
    "employees": "werknemers",
    "size class": "grootteklasse",
    "founding year": "oprichtingsjaar",
    "synthetic (demo)": "synthetisch (demo)",
    "firm": "bedrijf",
    "firms": "bedrijven",
    "innovation network": "innovatienetwerk",
    "test environment": "testomgeving",
    "incubator": "incubator",
    "type": "type",
    "theme": "thema",
    "number of partners": "aantal partners",
    "website": "website",
    "real initiative": "bestaand initiatief",
    "Name, type and place are public facts; otherwise a synthetic demo entry.": "Naam, type en plaats zijn openbare feiten; anders een synthetisch demo-item.",
    "source": "bron",
    "initiative": "initiatief",
    "initiatives": "initiatieven",
    "year": "jaar",
    "unit level": "niveau gebiedseenheid",
    "unit code": "code gebiedseenheid",
    "establishments": "vestigingen",
    "frame cell": "populatiecel",
    "population frame": "populatiekader",
    "Survey": "Enquête",
    "questionnaire version": "versie vragenlijst",
    "fieldwork start": "begin veldwerk",
    "fieldwork end": "einde veldwerk",
    "firms invited": "uitgenodigde bedrijven",
    "wave": "ronde",
    "waves": "rondes",
    "invited": "uitgenodigd",
    "partial": "onvolledig",
    "complete": "volledig",
    "excluded": "uitgesloten",
    "status": "status",
    "answers": "antwoorden",
    "invited at": "uitgenodigd op",
    "started at": "begonnen op",
    "submitted at": "ingediend op",
    "response": "response",
    "responses": "responses",
    "participation": "deelname",
    "participations": "deelnames",
    "Intake": "Invoer",
    "Import report, wave %(year)s": "Importverslag, ronde %(year)s",
    "Last import: %(file)s — %(rows)s rows: %(stored)s stored, %(unchanged)s unchanged, %(quarantined)s quarantined, %(resolved)s earlier quarantined rows resolved.": "Laatste import: %(file)s — %(rows)s rijen: %(stored)s opgeslagen, %(unchanged)s ongewijzigd, %(quarantined)s in quarantaine, %(resolved)s eerder in quarantaine geplaatste rijen opgelost.",
    "File": "Bestand",
    "Row": "Rij",
    "Column": "Kolom",
    "Value": "Waarde",
    "Rule": "Regel",
    "Problem": "Probleem",
    "No rows in quarantine: every imported row is stored.": "Geen rijen in quarantaine: elke geïmporteerde rij is opgeslagen.",
    "file": "bestand",
    "import": "import",
    "imports": "imports",
    "row": "rij",
    "row as read": "rij zoals gelezen",
    "problems": "problemen",
    "resolved at": "opgelost op",
    "quarantined row": "rij in quarantaine",
    "quarantine": "quarantaine",
    "to review": "na te kijken",
    "Builds": "Analyses",
    "checksum of the responses": "controlegetal van de responses",
    "checksum of the frame": "controlegetal van het populatiekader",
    "checksum of the configuration": "controlegetal van de configuratie",
    "respondents": "respondenten",
    "weighting and its diagnostics": "weging en diagnose",
    "summary": "samenvatting",
    "build": "analyse",
    "builds": "analyses",
    "indicator": "indicator",
    "domain": "domein",
    "domain value": "domeinwaarde",
    "unweighted share of respondents": "ongewogen aandeel van de respondenten",
    "build estimate": "schatting",
    "build estimates": "schattingen",
    "ladder level": "niveau innovatieladder",
    "Estimates for the region's SMEs": "Schattingen voor het mkb van de regio",
    "Weighted to the population frame of %(frame)s (province, size class, sector group), with 95%% confidence intervals.": "Gewogen naar het populatiekader van %(frame)s (provincie, grootteklasse, sectorgroep), met 95%%-betrouwbaarheidsintervallen.",
    "Estimate for all SMEs": "Schatting voor het hele mkb",
    "95%% confidence interval": "95%%-betrouwbaarheidsinterval",
    "Share of respondents": "Aandeel van de respondenten",
    "The estimate for all SMEs is lower than the share among the respondents: firms that innovate answer the monitor more often than others, and the weights correct for that as far as size, sector and province explain it.": "De schatting voor het hele mkb is lager dan het aandeel onder de respondenten: innoverende bedrijven vullen de monitor vaker in dan andere, en de weging corrigeert daarvoor voor zover grootte, sector en provincie dat verklaren.",
    "top innovator": "topinnovator",
    "frugal super-innovator": "zuinige superinnovator",
    "micro-veteran": "microbejaarde",
    "firm class": "bedrijfsklasse",
    "firm classes": "bedrijfsklassen",
    "Why the monitor team should check this response, e.g. how its firm was matched.": "Waarom het monitorteam deze response moet nakijken, bijvoorbeeld hoe het bedrijf is gekoppeld.",
}
NL_PLURAL = {
    "%(rows)s row is in quarantine. Correct it in the source file and import it again.": (
        "%(rows)s rij staat in quarantaine. Verbeter die in het bronbestand en importeer het opnieuw.",
        "%(rows)s rijen staan in quarantaine. Verbeter ze in het bronbestand en importeer het opnieuw.",
    ),
    "%(missing)s firm did not report its turnover split": (
        "%(missing)s bedrijf gaf de verdeling van zijn omzet niet op",
        "%(missing)s bedrijven gaven de verdeling van hun omzet niet op",
    ),
}


def _parts() -> None:
    """Merge the tables of scripts/nl/*.py (one per area of the tree: NL and NL_PLURAL)."""
    import importlib.util

    for path in sorted((Path(__file__).resolve().parent / "nl").glob("*.py")):
        spec = importlib.util.spec_from_file_location(f"nl_{path.stem}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        NL.update(getattr(module, "NL", {}))
        NL_PLURAL.update(getattr(module, "NL_PLURAL", {}))


def fill() -> list[str]:
    """Fill the Dutch .po from the table; returns the msgids that have no translation."""
    po = polib.pofile(str(LOCALE / "nl" / "LC_MESSAGES" / "django.po"))
    po.metadata["Plural-Forms"] = "nplurals=2; plural=(n != 1);"
    po.metadata["Language"] = "nl"
    po.metadata["Content-Type"] = "text/plain; charset=UTF-8"
    _parts()
    missing = []
    for entry in po:
        if entry.msgid_plural:
            forms = NL_PLURAL.get(entry.msgid)
            if forms:
                entry.msgstr_plural = {0: forms[0], 1: forms[1]}
            else:
                missing.append(entry.msgid)
        elif entry.msgid in NL:
            entry.msgstr = NL[entry.msgid]
        else:
            missing.append(entry.msgid)
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
    po.save()
    return missing


def compile_all() -> None:
    for po_path in LOCALE.glob("*/LC_MESSAGES/django.po"):
        polib.pofile(str(po_path)).save_as_mofile(str(po_path.with_suffix(".mo")))


if __name__ == "__main__":
    gaps = fill()
    compile_all()
    if gaps:
        print("untranslated:", *gaps, sep="\n  ")
        sys.exit(1)
