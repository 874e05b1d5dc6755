"""Dutch translations of the Innovation Passport (src/innomon/passports) and its link on the
landing page."""

NL = {
    # models
    "language": "taal",
    "content": "inhoud",
    "innovation passport": "innovatiepaspoort",
    "innovation passports": "innovatiepaspoorten",
    "expires at": "verloopt op",
    "passport link": "paspoortlink",
    "passport links": "paspoortlinks",
    "private link": "privélink",
    "weight": "gewicht",
    # peer groups
    "micro firms (%(low)s–%(high)s employees)": "microbedrijven (%(low)s–%(high)s werknemers)",
    "small firms (%(low)s–%(high)s employees)": "kleine bedrijven (%(low)s–%(high)s werknemers)",
    "medium-sized firms (%(low)s–%(high)s employees)": (
        "middelgrote bedrijven (%(low)s–%(high)s werknemers)"
    ),
    "all SMEs of the region": "alle mkb-bedrijven in de regio",
    "yes": "ja",
    "no": "nee",
    "your sector and size class": "uw sector en grootteklasse",
    "Your own group (%(narrow)s) has fewer than %(min)s responding firms, so the passport "
    "compares your firm with a wider group: %(group)s (%(n)s responding firms).": (
        "Uw eigen groep (%(narrow)s) telt minder dan %(min)s deelnemende bedrijven. Het "
        "paspoort vergelijkt uw bedrijf daarom met een bredere groep: %(group)s (%(n)s "
        "deelnemende bedrijven)."
    ),
    "Your peer group: %(group)s — %(n)s responding firms of the %(year)s monitor.": (
        "Uw vergelijkingsgroep: %(group)s — %(n)s deelnemende bedrijven aan de monitor %(year)s."
    ),
    # the pyramid
    "Your level on the innovation pyramid could not be determined: an answer it depends on "
    "is missing.": (
        "Uw niveau op de innovatiepiramide kon niet worden bepaald: een antwoord waar het van "
        "afhangt ontbreekt."
    ),
    "Your firm is at the level “%(level)s” of the innovation pyramid.": (
        "Uw bedrijf staat op het niveau ‘%(level)s’ van de innovatiepiramide."
    ),
    "Your firm also answered in %(year)s; the column “%(year)s” shows its answers then.": (
        "Uw bedrijf deed ook mee in %(year)s; de kolom ‘%(year)s’ toont de antwoorden van toen."
    ),
    "Then it was at the level “%(before)s”, now at “%(now)s”.": (
        "Toen stond het op het niveau ‘%(before)s’, nu op ‘%(now)s’."
    ),
    # page
    "Innovation Passport %(year)s": "Innovatiepaspoort %(year)s",
    "Your firm's innovation compared with similar firms in the region": (
        "De innovatie van uw bedrijf vergeleken met vergelijkbare bedrijven in de regio"
    ),
    "Synthetic demonstration data: this passport describes no real firm.": (
        "Synthetische demonstratiedata: dit paspoort beschrijft geen echt bedrijf."
    ),
    "Thank you for taking part in the innovation monitor. This passport compares your answers "
    "with the weighted results of similar firms. It shows only figures of groups of at least "
    "%(min)s responding firms, never another firm's answers.": (
        "Dank voor uw deelname aan de innovatiemonitor. Dit paspoort vergelijkt uw antwoorden "
        "met de gewogen resultaten van vergelijkbare bedrijven. Het toont alleen cijfers van "
        "groepen van ten minste %(min)s deelnemende bedrijven, nooit de antwoorden van een "
        "ander bedrijf."
    ),
    "Where you stand": "Waar u staat",
    "The innovation pyramid": "De innovatiepiramide",
    "Subsidy barometer": "Subsidiebarometer",
    "Initiatives for your firm": "Initiatieven voor uw bedrijf",
    "Indicator": "Indicator",
    "Your firm": "Uw bedrijf",
    "Peer group": "Uw groep",
    "Region": "Regio",
    "Percentile in group": "Percentiel in groep",
    "Percentile in region": "Percentiel in regio",
    "Shares: the weighted percentage of firms in the group (or region) with a “yes”. "
    "Percentile: the weighted share of firms in the group with a lower value, the firms with "
    "the same value counting half (50 = the middle). – = not available or too few firms to "
    "publish.": (
        "Aandelen: het gewogen percentage bedrijven in de groep (of regio) met ‘ja’. "
        "Percentiel: het gewogen aandeel bedrijven in de groep met een lagere waarde, waarbij "
        "bedrijven met dezelfde waarde voor de helft meetellen (50 = het midden). – = niet "
        "beschikbaar of te weinig bedrijven om te publiceren."
    ),
    "Weighted share of the region's SMEs at each level, from the top down.": (
        "Gewogen aandeel van de mkb-bedrijven in de regio op elk niveau, van boven naar beneden."
    ),
    "Support instruments whose conditions your firm meets according to its answers, with the "
    "reasons.": (
        "Steunregelingen waarvan uw bedrijf volgens zijn antwoorden aan de voorwaarden voldoet, "
        "met de redenen."
    ),
    "The rules are examples that the monitor team must still verify against the current "
    "regulations; check the conditions with the provider before applying.": (
        "De regels zijn voorbeelden die het monitorteam nog moet toetsen aan de actuele "
        "regelingen; controleer de voorwaarden bij de uitvoerder voordat u aanvraagt."
    ),
    "Your answers meet the conditions of none of the listed instruments.": (
        "Uw antwoorden voldoen aan de voorwaarden van geen van de opgenomen regelingen."
    ),
    "No registered initiative fits your firm's sector or province.": (
        "Geen geregistreerd initiatief past bij de sector of provincie van uw bedrijf."
    ),
    "innomon — Innovation Passport %(year)s — KvK %(kvk)s": (
        "innomon — Innovatiepaspoort %(year)s — KvK %(kvk)s"
    ),
    "Download as PDF": "Downloaden als pdf",
    "Passport": "Paspoort",
    # barometer
    "Your firm received this support.": "Uw bedrijf heeft deze steun ontvangen.",
    "You said you did not know this instrument.": "U gaf aan deze regeling niet te kennen.",
    "The questionnaire did not ask whether you know this instrument.": (
        "De vragenlijst vroeg niet of u deze regeling kent."
    ),
    # initiatives
    "innovation network": "innovatienetwerk",
    "test environment": "testomgeving",
    "incubator": "incubator",
    "energy": "energie",
    "water": "water",
    "health": "gezondheid",
    "agrifood": "agrifood",
    "chemistry": "chemie",
    "digital": "digitaal",
    "manufacturing": "maakindustrie",
    "circular economy": "circulaire economie",
    "general": "algemeen",
    "its theme (%(theme)s) serves your sector": "het thema (%(theme)s) past bij uw sector",
    "it is open to all sectors": "het staat open voor alle sectoren",
    "it is in your province": "het zit in uw provincie",
    "%(share)s of the firms at your level take part in this type of initiative": (
        "%(share)s van de bedrijven op uw niveau neemt deel aan dit soort initiatief"
    ),
    "the monitor found that collaboration and own investment reinforce each other": (
        "de monitor vond dat samenwerking en eigen investeringen elkaar versterken"
    ),
    "Your firm invests in innovation itself but takes part in no initiative. In this year's "
    "monitor: %(finding)s Networks and test environments are therefore ranked higher for your "
    "firm.": (
        "Uw bedrijf investeert zelf in innovatie, maar neemt aan geen enkel initiatief deel. "
        "Uit de monitor van dit jaar: %(finding)s Netwerken en testomgevingen staan daarom "
        "hoger in de lijst voor uw bedrijf."
    ),
    "Your firm invests in innovation itself but takes part in no initiative. This year's "
    "monitor did not show that the two reinforce each other: %(finding)s": (
        "Uw bedrijf investeert zelf in innovatie, maar neemt aan geen enkel initiatief deel. "
        "De monitor van dit jaar liet niet zien dat die twee elkaar versterken: %(finding)s"
    ),
    # landing page
    "Sample Innovation Passport %(year)s": "Voorbeeld van een Innovatiepaspoort %(year)s",
}
