"""Dutch translations of the annual report (src/innomon/publish)."""

NL = {
    # chapters and sheets
    "Annual overview report": "Jaarlijks overzichtsrapport",
    "Contents": "Inhoud",
    "Key figures": "Kerncijfers",
    "Method": "Methode",
    "Innovation activities, investments and performance": (
        "Innovatieactiviteiten, investeringen en prestaties"
    ),
    "Innovation": "Innovatie",
    "The typology and the innovation pyramid": "De typologie en de innovatiepiramide",
    "Typology": "Typologie",
    "Collaboration initiatives": "Samenwerkingsinitiatieven",
    "Collaboration": "Samenwerking",
    "The regional picture": "Het regionale beeld",
    "Regions": "Regio's",
    "Trends over the waves": "Ontwikkeling over de rondes",
    "Trends": "Ontwikkeling",
    "Annex: every indicator": "Bijlage: alle indicatoren",
    "Annex": "Bijlage",
    "Cover": "Omslag",
    "Page": "Pagina",
    "Definitions": "Definities",
    "All estimates": "Alle schattingen",
    "Two-way crosses": "Kruistabellen",
    "The charts need JavaScript; every number is also in the tables.": (
        "De grafieken hebben JavaScript nodig; elk getal staat ook in de tabellen."
    ),
    "Made by innomon from build %(build)s; every number is read from the stored build.": (
        "Gemaakt door innomon uit analyse %(build)s; elk getal komt uit de opgeslagen analyse."
    ),
    "%(title)s · build %(build)s of %(date)s": "%(title)s · analyse %(build)s van %(date)s",
    # table words
    "Estimate": "Schatting",
    "95% confidence interval": "95%-betrouwbaarheidsinterval",
    "95% CI lower bound": "ondergrens 95%-interval",
    "95% CI upper bound": "bovengrens 95%-interval",
    "not available": "niet beschikbaar",
    "Name": "Naam",
    "Definition": "Definitie",
    "Unit": "Eenheid",
    "Population": "Populatie",
    "Domain": "Domein",
    "Status": "Status",
    "Province": "Provincie",
    "Size class": "Grootteklasse",
    "Sector": "Sector",
    "Firm age": "Leeftijd van het bedrijf",
    "Innovation ladder": "Innovatieladder",
    "Strategy": "Strategie",
    "micro (0–9 employees)": "micro (0–9 werknemers)",
    "small (10–49 employees)": "klein (10–49 werknemers)",
    "medium-sized (50–249 employees)": "middelgroot (50–249 werknemers)",
    "large (250 or more employees)": "groot (250 of meer werknemers)",
    "neither": "geen van beide",
    "internal investment only": "alleen interne investering",
    "collaboration only": "alleen samenwerking",
    "both": "beide",
    "all SMEs": "alle mkb-bedrijven",
    "product innovators": "productinnovatoren",
    "innovative SMEs": "innoverende mkb-bedrijven",
    "participants in initiatives": "deelnemers aan initiatieven",
    "% of SMEs": "% van het mkb",
    "% of turnover": "% van de omzet",
    "number": "aantal",
    # key figures
    "SMEs (fewer than 250 employees) in %(region)s, %(year)s": (
        "mkb-bedrijven (minder dan 250 werknemers) in %(region)s, %(year)s"
    ),
    "All figures are estimates for the whole population of SMEs in the region, weighted to the "
    "population frame, with 95% confidence intervals and the number of responding firms (n) "
    "they rest on.": (
        "Alle cijfers zijn schattingen voor het hele mkb in de regio, gewogen naar de "
        "populatiecijfers, met 95%-betrouwbaarheidsintervallen en het aantal responderende "
        "bedrijven (n) waarop ze berusten."
    ),
    "95%% CI %(low)s–%(high)s; n = %(n)s": "95%%-interval %(low)s–%(high)s; n = %(n)s",
    # charts
    "Population: %(population)s. Weighted estimates with 95%% confidence intervals (error "
    "bars); n is the number of responding firms.": (
        "Populatie: %(population)s. Gewogen schattingen met 95%%-betrouwbaarheidsintervallen "
        "(foutbalken); n is het aantal responderende bedrijven."
    ),
    "Population: %(population)s. Colour: the weighted estimate; its 95%% confidence interval "
    "and n are in the table below. %(source)s": (
        "Populatie: %(population)s. Kleur: de gewogen schatting; het 95%%-betrouwbaarheidsinterval "
        "en n staan in de tabel hieronder. %(source)s"
    ),
    "Population: SMEs in %(region)s, %(first)s–%(last)s, each wave weighted to its own frame; "
    "latest build of each wave; 95%% confidence intervals.": (
        "Populatie: mkb-bedrijven in %(region)s, %(first)s–%(last)s, elke ronde gewogen naar de "
        "eigen populatiecijfers; de laatste analyse van elke ronde; "
        "95%%-betrouwbaarheidsintervallen."
    ),
    "Bar chart: %(title)s.": "Staafdiagram: %(title)s.",
    "Pyramid chart: %(title)s.": "Piramidediagram: %(title)s.",
    "Line chart: %(title)s, %(first)s–%(last)s, for %(names)s.": (
        "Lijndiagram: %(title)s, %(first)s–%(last)s, voor %(names)s."
    ),
    "Map: %(title)s.": "Kaart: %(title)s.",
    "Map: %(count)s collaboration initiatives as markers by type in the COROP regions.": (
        "Kaart: %(count)s samenwerkingsinitiatieven als markeringen per type in de COROP-gebieden."
    ),
    "Highest: %(label)s, %(value)s; lowest: %(low_label)s, %(low_value)s.": (
        "Hoogste: %(label)s, %(value)s; laagste: %(low_label)s, %(low_value)s."
    ),
    "Suppressed bars: %(count)s.": "Onderdrukte staven: %(count)s.",
    "Schematic tile map: one tile per COROP region in its geographic arrangement.": (
        "Schematische tegelkaart: één tegel per COROP-gebied in de geografische ligging."
    ),
    # method and response
    "Fieldwork ran from %(start)s to %(end)s.": "Het veldwerk liep van %(start)s tot %(end)s.",
    "%(invited)s firms were invited; %(complete)s answered completely (response rate %(rate)s).": (
        "%(invited)s bedrijven zijn uitgenodigd; %(complete)s vulden de vragenlijst volledig in "
        "(respons %(rate)s)."
    ),
    "%(complete)s firms answered completely.": (
        "%(complete)s bedrijven vulden de vragenlijst volledig in."
    ),
    "Partial responses (not used): %(partial)s; excluded because the firm is not an SME: "
    "%(excluded)s.": (
        "Onvolledige responses (niet gebruikt): %(partial)s; uitgesloten omdat het bedrijf geen "
        "mkb-bedrijf is: %(excluded)s."
    ),
    "Response by stratum": "Respons per stratum",
    "Firms approached": "Benaderde bedrijven",
    "Firms approached: every firm of the wave in the stratum, whatever its answer status; "
    "strata by the firm register (large firms are invited but excluded).": (
        "Benaderde bedrijven: elk bedrijf van de ronde in het stratum, ongeacht de status van "
        "zijn antwoorden; strata volgens het bedrijvenregister (grote bedrijven worden "
        "uitgenodigd maar uitgesloten)."
    ),
    "The weighting and its diagnostics": "De weging en haar diagnostiek",
    "The weights make the respondents add up to the frame's counts by province, size class "
    "and sector group. The design effect of the weighting (Kish) shows how much the unequal "
    "weights widen the confidence intervals.": (
        "De gewichten laten de respondenten optellen tot de populatieaantallen per provincie, "
        "grootteklasse en sectorgroep. Het designeffect van de weging (Kish) laat zien hoeveel "
        "de ongelijke gewichten de betrouwbaarheidsintervallen verbreden."
    ),
    "Value": "Waarde",
    "raking": "raking (iteratief proportioneel wegen)",
    "sector group": "sectorgroep",
    "Population frame of": "Populatiecijfers van",
    "Population (SMEs in the frame)": "Populatie (mkb-bedrijven in de populatiecijfers)",
    "Respondents weighted": "Gewogen respondenten",
    "Effective sample size (Kish)": "Effectieve steekproefomvang (Kish)",
    "Design effect of the weighting": "Designeffect van de weging",
    "Smallest weight": "Kleinste gewicht",
    "Median weight": "Mediaan gewicht",
    "Largest weight": "Grootste gewicht",
    "Largest / smallest weight": "Grootste / kleinste gewicht",
    "Raking converged": "Raking geconvergeerd",
    "Merged empty cells": "Samengevoegde lege cellen",
    "yes": "ja",
    "no": "nee",
    "Panel overlap": "Panel-overlap",
    "Firms that also responded then": "Bedrijven die toen ook meededen",
    "Firms with complete responses in both waves, matched by KvK number.": (
        "Bedrijven met een volledige respons in beide rondes, gekoppeld op KvK-nummer."
    ),
    "This is the first wave: no panel overlap yet.": (
        "Dit is de eerste ronde: nog geen panel-overlap."
    ),
    # innovation
    "Innovation activities and investment": "Innovatieactiviteiten en investeringen",
    "Innovation performance and spending, as % of turnover": (
        "Innovatieprestaties en -uitgaven, als % van de omzet"
    ),
    # typology
    "The monitor sorts firms on an innovation ladder: from firms without innovation to top "
    "innovators, who earn a large share of their turnover from products new to their "
    "market.": (
        "De monitor deelt bedrijven in op een innovatieladder: van bedrijven zonder innovatie "
        "tot topinnovatoren, die een groot deel van hun omzet halen uit producten die nieuw "
        "zijn voor hun markt."
    ),
    "The innovation pyramid: responding firms per level": (
        "De innovatiepiramide: responderende bedrijven per niveau"
    ),
    "Responding firms (unweighted counts), %(region)s, %(year)s. The levels are the "
    "typology's rules applied to each firm's answers.": (
        "Responderende bedrijven (ongewogen aantallen), %(region)s, %(year)s. De niveaus zijn "
        "de regels van de typologie, toegepast op de antwoorden van elk bedrijf."
    ),
    "responding firms": "responderende bedrijven",
    "Responding firms": "Responderende bedrijven",
    "Responding firms per level of the innovation ladder": (
        "Responderende bedrijven per niveau van de innovatieladder"
    ),
    "not decided (answers missing)": "niet te bepalen (antwoorden ontbreken)",
    "Counts of responding firms, not population estimates.": (
        "Aantallen responderende bedrijven, geen schattingen voor de populatie."
    ),
    "Responding firms with a typology flag": "Responderende bedrijven met een typologiekenmerk",
    "Top innovators among all SMEs": "Topinnovatoren in het hele mkb",
    # collaboration
    "Participation in collaboration initiatives": "Deelname aan samenwerkingsinitiatieven",
    "Participation per level of the innovation ladder": (
        "Deelname per niveau van de innovatieladder"
    ),
    "Share of the SMEs at each level that take part in at least one initiative.": (
        "Aandeel van de mkb-bedrijven op elk niveau dat aan minstens één initiatief deelneemt."
    ),
    "Type of initiative per level of the innovation ladder": (
        "Soort initiatief per niveau van de innovatieladder"
    ),
    "innovation network": "innovatienetwerk",
    "test environment": "testomgeving",
    "incubator": "incubator",
    "Complementarity of collaboration and investment": (
        "Complementariteit van samenwerking en investering"
    ),
    "Turnover from new-to-market products by strategy": (
        "Omzet uit producten nieuw voor de markt per strategie"
    ),
    "Strategies: internal investment in innovation and/or participation in a collaboration "
    "initiative.": (
        "Strategieën: interne investering in innovatie en/of deelname aan een "
        "samenwerkingsinitiatief."
    ),
    "Performance by strategy": "Prestaties per strategie",
    "% of turnover new to the market": "% omzet nieuw voor de markt",
    "Top innovators (%)": "Topinnovatoren (%)",
    "Collaboration and internal investment in innovation are complements: firms that do both "
    "earn more of their turnover from new-to-market products than the two separate effects "
    "add up to.": (
        "Samenwerking en interne investering in innovatie zijn complementair: bedrijven die "
        "beide doen, halen meer omzet uit producten die nieuw zijn voor de markt dan de twee "
        "afzonderlijke effecten samen."
    ),
    "Collaboration and internal investment in innovation are substitutes: doing both adds "
    "less than the two separate effects.": (
        "Samenwerking en interne investering in innovatie zijn substituten: beide doen levert "
        "minder op dan de twee afzonderlijke effecten."
    ),
    "The data show no clear complementarity of collaboration and internal investment in "
    "innovation.": (
        "De gegevens tonen geen duidelijke complementariteit van samenwerking en interne "
        "investering in innovatie."
    ),
    "The complementarity of collaboration and internal investment could not be estimated for "
    "this wave.": (
        "De complementariteit van samenwerking en interne investering kon voor deze ronde niet "
        "worden geschat."
    ),
    "The supermodularity contrast is %(delta)s percentage points.": (
        "Het supermodulariteitscontrast is %(delta)s procentpunt."
    ),
    "The supermodularity contrast is %(delta)s percentage points (95%% CI %(low)s to %(high)s).": (
        "Het supermodulariteitscontrast is %(delta)s procentpunt (95%%-interval %(low)s tot "
        "%(high)s)."
    ),
    "The supermodularity contrast is %(delta)s percentage points (95%% CI %(low)s to "
    "%(high)s; one-sided p < %(p)s).": (
        "Het supermodulariteitscontrast is %(delta)s procentpunt (95%%-interval %(low)s tot "
        "%(high)s; eenzijdige p < %(p)s)."
    ),
    "The supermodularity contrast is %(delta)s percentage points (95%% CI %(low)s to "
    "%(high)s; one-sided p = %(p)s).": (
        "Het supermodulariteitscontrast is %(delta)s procentpunt (95%%-interval %(low)s tot "
        "%(high)s; eenzijdige p = %(p)s)."
    ),
    "Of the top innovators, %(share)s reach the top without any collaboration initiative "
    "(95%% CI %(low)s–%(high)s; n = %(n)s).": (
        "Van de topinnovatoren bereikt %(share)s de top zonder enig samenwerkingsinitiatief "
        "(95%%-interval %(low)s–%(high)s; n = %(n)s)."
    ),
    # regional picture
    "%(indicator)s by province": "%(indicator)s per provincie",
    "%(indicator)s by COROP region": "%(indicator)s per COROP-gebied",
    "%(indicator)s by province and COROP region": "%(indicator)s per provincie en COROP-gebied",
    "Collaboration initiatives by type and COROP region": (
        "Samenwerkingsinitiatieven per type en COROP-gebied"
    ),
    "Population: the collaboration initiatives in the registry of %(region)s, %(year)s, placed "
    "by the municipality of their location. %(source)s": (
        "Populatie: de samenwerkingsinitiatieven in het register van %(region)s, %(year)s, "
        "geplaatst naar de gemeente van hun vestiging. %(source)s"
    ),
    # trends
    "Changes since %(year)s": "Veranderingen sinds %(year)s",
    "Difference": "Verschil",
    "Difference between this wave's estimate and the previous wave's (in percentage points "
    "for percentages), with a conservative test that treats the two waves as independent "
    "samples.": (
        "Verschil tussen de schatting van deze ronde en die van de vorige (in procentpunten "
        "bij percentages), met een conservatieve toets die de twee rondes als onafhankelijke "
        "steekproeven behandelt."
    ),
    "Of the %(panel)s firms that answered both waves, %(up)s moved up the innovation ladder "
    "and %(down)s moved down.": (
        "Van de %(panel)s bedrijven die aan beide rondes meededen, gingen er %(up)s omhoog op "
        "de innovatieladder en %(down)s omlaag."
    ),
    # annex
    "Every indicator of the catalogue for the region and each domain, with its definition. "
    "Two-way crosses are in the workbook.": (
        "Elke indicator uit de catalogus voor de regio en elk domein, met de definitie. De "
        "kruistabellen staan in de Excel-werkmap."
    ),
    "The innovation pyramid: share of the region's SMEs per level": "De innovatiepiramide: aandeel van het mkb in de regio per niveau",
    "Share among the firms whose level could be decided; top level first.": "Aandeel onder de bedrijven van wie het niveau kon worden bepaald; hoogste niveau bovenaan.",
    "SMEs per level of the innovation ladder": "Mkb-bedrijven per niveau van de innovatieladder",
    "Share among the firms whose level could be decided.": "Aandeel onder de bedrijven van wie het niveau kon worden bepaald.",
    "Of the responding firms, %(share)s take part in at least one collaboration initiative; the estimate for all SMEs of the region is %(estimate)s.": "Van de responderende bedrijven neemt %(share)s deel aan minstens één samenwerkingsinitiatief; de schatting voor het hele mkb van de regio is %(estimate)s.",
    "The estimate for all SMEs is higher than the share among the respondents: the weights give more weight to the kinds of firms (by size, sector and province) that take part more often but answered less often.": "De schatting voor het hele mkb is hoger dan het aandeel onder de respondenten: de weging geeft meer gewicht aan de soorten bedrijven (naar grootte, sector en provincie) die vaker deelnemen maar minder vaak antwoordden.",
}
