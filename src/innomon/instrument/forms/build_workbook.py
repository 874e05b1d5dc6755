"""Write ``innovatiemonitor.xlsx``, the monitor's questionnaire as an XLSForm, from this file.

The questionnaire is kept here as code so that every change to it is a reviewable diff; the
workbook beside this file is generated from it (``python build_workbook.py``) and both are
committed. The workbook follows the XLSForm convention of ODK and KoboToolbox (sheets ``survey``,
``choices`` and ``settings``), with Dutch and English labels, hints and constraint messages, plus
one column of innomon's own: ``innomon::since``, the first wave year in which a question is asked
(a question without one takes its group's).

Vocabulary: Oslo Manual 2018 and the Community Innovation Survey (product innovation, business
process innovation in six functions, new-to-market vs new-to-firm, partner type × location). The
observation period is the last three years before the wave (2016–2018 for the 2019 wave);
questions about turnover and spending refer to its last year.

The three choice lists of collaboration initiatives hold a single placeholder row
(``__registry__``): ``innomon.instrument.load_instrument`` fills them from the initiative registry.

The ``since`` years are illustrative: they follow the themes of the waves (docs/sources.md §1.2)
until the monitor's real questionnaires of 2015–2018 are at hand.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

VERSION = "2019.1"
WAVE_YEAR = 2019
PERIOD = "2016–2018"
REFERENCE_YEAR = 2018
FORM_ID = "innovatiemonitor"
TITLE_NL = f"Noord-Nederlandse Innovatiemonitor {WAVE_YEAR}"
TITLE_EN = f"Northern Netherlands Innovation Monitor {WAVE_YEAR}"
NL = "Nederlands (nl)"
EN = "English (en)"
REGISTRY_PLACEHOLDER = "__registry__"

SURVEY_COLUMNS = (
    "type",
    "name",
    f"label::{NL}",
    f"label::{EN}",
    f"hint::{NL}",
    f"hint::{EN}",
    "required",
    "relevant",
    "constraint",
    f"constraint_message::{NL}",
    f"constraint_message::{EN}",
    "innomon::since",
)
CHOICES_COLUMNS = ("list_name", "name", f"label::{NL}", f"label::{EN}")
SETTINGS_COLUMNS = (
    "form_title",
    "innomon::form_title_en",
    "form_id",
    "version",
    "default_language",
)

WORKBOOK = Path(__file__).with_name("innovatiemonitor.xlsx")
WIDTHS = (30, 30, 60, 60, 40, 40, 9, 36, 40, 40, 40, 14)


@dataclass(frozen=True)
class Row:
    """One row of the survey sheet."""

    type: str
    name: str
    label: tuple[str, str] = ("", "")
    hint: tuple[str, str] = ("", "")
    required: bool = False
    relevant: str = ""
    constraint: str = ""
    message: tuple[str, str] = ("", "")
    since: int | None = None

    def cells(self) -> tuple:
        return (
            self.type,
            self.name,
            *self.label,
            *self.hint,
            "yes" if self.required else "",
            self.relevant,
            self.constraint,
            *self.message,
            self.since,
        )


def group(name: str, label: tuple[str, str], since: int, rows: list[Row]) -> list[Row]:
    """A page: ``begin group`` … ``end group`` around ``rows``."""
    return [Row("begin group", name, label, since=since), *rows, Row("end group", name)]


PERCENT = ". >= 0 and . <= 100"
PERCENT_MESSAGE = (
    "Vul een percentage tussen 0 en 100 in.",
    "Enter a percentage between 0 and 100.",
)
# Plausible bounds of the numeric questions, so that no accepted answer is absurd (400 nines as
# the number of employees) or breaks the analysis. Large firms (250 or more) are invited and
# then excluded, so the head count goes well beyond the SME limit.
MAX_PERSONS = 100_000
COUNT = f". >= 0 and . <= {MAX_PERSONS}"
COUNT_MESSAGE = (
    "Vul een aantal tussen 0 en 100.000 in.",
    "Enter a number between 0 and 100,000.",
)
# the finance gap, in thousands of euros: at most € 1 billion
MAX_AMOUNT = 1_000_000
NONE_ALONE = "not(selected(., '0') and count-selected(.) > 1)"
YES_IF_PRODUCT = "${product_innovation} = 1"
YES_IF_INVESTING = "${innovation_investment} = 1"
SHARES = "${turnover_new_market_pct} + ${turnover_new_firm_pct} + ."

PARTNERS = (
    ("customers", "Klanten", "Customers"),
    ("suppliers", "Leveranciers", "Suppliers"),
    ("competitors", "Concurrenten", "Competitors"),
    ("consultants", "Adviesbureaus", "Consultants"),
    ("knowledge_institutions", "Kennisinstellingen", "Knowledge institutions"),
    ("government", "Overheid", "Government"),
)
SUPPORT = (
    ("wbso", "WBSO (fiscale regeling voor speur- en ontwikkelingswerk)", "WBSO (R&D tax credit)"),
    (
        "mit",
        "MIT (MKB-innovatiestimulering Regio en Topsectoren)",
        "MIT (SME innovation stimulus for regions and top sectors)",
    ),
    ("innovatiekrediet", "Innovatiekrediet (RVO)", "Innovation credit (Innovatiekrediet, RVO)"),
    ("efro", "EFRO-subsidie via SNN", "ERDF (EFRO) grant via SNN"),
    ("voucher", "Innovatievoucher", "Innovation voucher"),
)


def survey() -> list[Row]:
    """The survey sheet, page by page."""
    return [
        *group(
            "profile",
            ("Uw bedrijf", "Your firm"),
            2015,
            [
                Row(
                    "note",
                    "intro",
                    (
                        f"Deze vragenlijst gaat over uw bedrijf in de afgelopen drie jaar "
                        f"({PERIOD}). Vragen over omzet en uitgaven gaan over {REFERENCE_YEAR}.",
                        f"This questionnaire is about your firm over the last three years "
                        f"({PERIOD}). Questions on turnover and spending refer to "
                        f"{REFERENCE_YEAR}.",
                    ),
                ),
                Row(
                    "integer",
                    "employees",
                    (
                        f"Hoeveel mensen werkten eind {REFERENCE_YEAR} in uw bedrijf?",
                        f"How many people worked in your firm at the end of {REFERENCE_YEAR}?",
                    ),
                    (
                        "In personen, inclusief eigenaren die in het bedrijf werken.",
                        "Number of persons, including owners who work in the firm.",
                    ),
                    required=True,
                    constraint=COUNT,
                    message=COUNT_MESSAGE,
                ),
                Row(
                    "integer",
                    "founding_year",
                    (
                        "In welk jaar is uw bedrijf opgericht?",
                        "In which year was your firm founded?",
                    ),
                    required=True,
                    constraint=f". >= 1800 and . <= {WAVE_YEAR}",
                    message=(
                        f"Vul een jaartal tussen 1800 en {WAVE_YEAR} in.",
                        f"Enter a year between 1800 and {WAVE_YEAR}.",
                    ),
                ),
                Row(
                    "select_one turnover_class",
                    "turnover_class",
                    (
                        f"Wat was de omzet van uw bedrijf in {REFERENCE_YEAR}?",
                        f"What was your firm's turnover in {REFERENCE_YEAR}?",
                    ),
                    required=True,
                ),
            ],
        ),
        *group(
            "innovation",
            ("Innovatie", "Innovation"),
            2015,
            [
                Row(
                    "select_one yes_no",
                    "product_innovation",
                    (
                        f"Heeft uw bedrijf in {PERIOD} nieuwe of sterk verbeterde producten of "
                        "diensten op de markt gebracht?",
                        f"Did your firm introduce new or significantly improved goods or services "
                        f"on the market in {PERIOD}?",
                    ),
                    (
                        "Een productinnovatie is een nieuw of verbeterd product of dienst dat "
                        "duidelijk verschilt van wat uw bedrijf eerder aanbood.",
                        "A product innovation is a new or improved good or service that differs "
                        "significantly from the firm's previous goods or services.",
                    ),
                    required=True,
                ),
                Row(
                    "select_one yes_no",
                    "process_innovation",
                    (
                        f"Heeft uw bedrijf in {PERIOD} nieuwe of sterk verbeterde "
                        "bedrijfsprocessen in gebruik genomen?",
                        f"Did your firm bring new or significantly improved business processes "
                        f"into use in {PERIOD}?",
                    ),
                    (
                        "Bijvoorbeeld in productie, logistiek, marketing, ICT, administratie of "
                        "ontwikkeling.",
                        "For example in production, logistics, marketing, ICT, administration or "
                        "development.",
                    ),
                    required=True,
                ),
                Row(
                    "select_multiple bpi_function",
                    "bpi_functions",
                    (
                        "In welke bedrijfsfuncties waren deze procesinnovaties?",
                        "In which business functions were these process innovations?",
                    ),
                    ("Kies alle die van toepassing zijn.", "Choose all that apply."),
                    required=True,
                    relevant="${process_innovation} = 1",
                ),
                Row(
                    "select_one yes_no",
                    "product_new_to_market",
                    (
                        "Was ten minste één van deze producten of diensten nieuw voor uw markt "
                        "(uw bedrijf bracht het als eerste op de markt)?",
                        "Was at least one of these goods or services new to your market (your "
                        "firm was the first to offer it)?",
                    ),
                    required=True,
                    relevant=YES_IF_PRODUCT,
                ),
                Row(
                    "decimal",
                    "turnover_new_market_pct",
                    (
                        f"Welk deel van uw omzet in {REFERENCE_YEAR} kwam uit producten of "
                        "diensten die nieuw waren voor uw markt (%)?",
                        f"What share of your turnover in {REFERENCE_YEAR} came from goods or "
                        "services that were new to your market (%)?",
                    ),
                    ("Een schatting is goed.", "An estimate is fine."),
                    relevant=YES_IF_PRODUCT,
                    constraint=PERCENT,
                    message=PERCENT_MESSAGE,
                ),
                Row(
                    "decimal",
                    "turnover_new_firm_pct",
                    (
                        "Welk deel kwam uit producten of diensten die alleen nieuw waren voor uw "
                        "bedrijf (%)?",
                        "What share came from goods or services that were only new to your "
                        "firm (%)?",
                    ),
                    relevant=YES_IF_PRODUCT,
                    constraint=(
                        f"{PERCENT} and (${{turnover_new_market_pct}} = '' or "
                        "${turnover_new_market_pct} + . <= 100)"
                    ),
                    message=(
                        "Vul een percentage tussen 0 en 100 in; samen met het deel dat nieuw was "
                        "voor de markt is het hoogstens 100 %.",
                        "Enter a percentage between 0 and 100; together with the new-to-market "
                        "share it is at most 100 %.",
                    ),
                ),
                Row(
                    "decimal",
                    "turnover_unchanged_pct",
                    (
                        "Welk deel kwam uit producten of diensten die niet of nauwelijks "
                        "veranderd zijn (%)?",
                        "What share came from goods or services that were unchanged or only "
                        "marginally modified (%)?",
                    ),
                    (
                        "De drie delen tellen op tot 100 %.",
                        "The three shares add up to 100 %.",
                    ),
                    relevant=YES_IF_PRODUCT,
                    constraint=f"{PERCENT} and {SHARES} >= 99.5 and {SHARES} <= 100.5",
                    message=(
                        "De drie delen moeten samen 100 % zijn; vul ook de andere twee in.",
                        "The three shares must add up to 100 %; fill in the other two as well.",
                    ),
                ),
            ],
        ),
        *group(
            "investment",
            ("Investeringen in innovatie", "Investment in innovation"),
            2015,
            [
                Row(
                    "select_one yes_no",
                    "innovation_investment",
                    (
                        f"Heeft uw bedrijf in {PERIOD} zelf geïnvesteerd in innovatie?",
                        f"Did your firm invest in innovation itself in {PERIOD}?",
                    ),
                    (
                        "Bijvoorbeeld in onderzoek en ontwikkeling, ontwerp, software, opleiding "
                        "of nieuwe machines voor innovatie.",
                        "For example in research and development, design, software, training or "
                        "new equipment for innovation.",
                    ),
                    required=True,
                ),
                Row(
                    "select_one yes_no",
                    "rd_internal",
                    (
                        "Deed uw bedrijf zelf onderzoek en ontwikkeling (R&D)?",
                        "Did your firm perform research and development (R&D) in-house?",
                    ),
                    required=True,
                    relevant=YES_IF_INVESTING,
                ),
                Row(
                    "decimal",
                    "innovation_spend_pct",
                    (
                        f"Hoeveel procent van de omzet gaf uw bedrijf in {REFERENCE_YEAR} uit aan "
                        "innovatie?",
                        f"What percentage of turnover did your firm spend on innovation in "
                        f"{REFERENCE_YEAR}?",
                    ),
                    ("Een schatting is goed.", "An estimate is fine."),
                    relevant=YES_IF_INVESTING,
                    constraint=PERCENT,
                    message=PERCENT_MESSAGE,
                ),
                Row(
                    "integer",
                    "innovation_staff",
                    (
                        f"Hoeveel mensen werkten in {REFERENCE_YEAR} (ook deels) aan innovatie?",
                        f"How many people worked (also partly) on innovation in {REFERENCE_YEAR}?",
                    ),
                    constraint=COUNT,
                    message=COUNT_MESSAGE,
                ),
            ],
        ),
        *group(
            "collaboration",
            ("Samenwerking", "Collaboration"),
            2015,
            [
                Row(
                    "select_multiple initiative_network",
                    "initiatives_network",
                    (
                        "Aan welke innovatienetwerken of clusters nam uw bedrijf deel in "
                        f"{PERIOD}?",
                        f"Which innovation networks or clusters did your firm take part in in "
                        f"{PERIOD}?",
                    ),
                    (
                        "Kies alle die van toepassing zijn; laat leeg als uw bedrijf aan geen "
                        "enkele deelnam.",
                        "Choose all that apply; leave empty if your firm took part in none.",
                    ),
                    since=2015,
                ),
                Row(
                    "select_multiple initiative_test_environment",
                    "initiatives_test_environment",
                    (
                        "In welke testomgevingen (living labs, fieldlabs, proeftuinen, "
                        f"pilotfabrieken) was uw bedrijf actief in {PERIOD}?",
                        "In which test environments (living labs, field labs, test beds, pilot "
                        f"plants) was your firm active in {PERIOD}?",
                    ),
                    (
                        "Kies alle die van toepassing zijn; laat leeg als uw bedrijf aan geen "
                        "enkele deelnam.",
                        "Choose all that apply; leave empty if your firm took part in none.",
                    ),
                    since=2015,
                ),
                Row(
                    "select_multiple initiative_incubator",
                    "initiatives_incubator",
                    (
                        f"Aan welke incubators of startersprogramma's nam uw bedrijf deel in "
                        f"{PERIOD}?",
                        f"Which incubators or start-up programmes did your firm take part in in "
                        f"{PERIOD}?",
                    ),
                    (
                        "Kies alle die van toepassing zijn; laat leeg als uw bedrijf aan geen "
                        "enkele deelnam.",
                        "Choose all that apply; leave empty if your firm took part in none.",
                    ),
                    since=2015,
                ),
                Row(
                    "select_one yes_no",
                    "collab_knowledge_institution",
                    (
                        f"Heeft uw bedrijf in {PERIOD} voor innovatie samengewerkt met een "
                        "kennisinstelling?",
                        f"Did your firm collaborate on innovation with a knowledge institution in "
                        f"{PERIOD}?",
                    ),
                    (
                        "Een universiteit, hogeschool, mbo-instelling of onderzoeksinstituut.",
                        "A university, university of applied sciences, vocational college or "
                        "research institute.",
                    ),
                    required=True,
                ),
                Row(
                    "note",
                    "partners_intro",
                    (
                        f"Met welke partners werkte uw bedrijf in {PERIOD} samen aan innovatie, en "
                        "waar waren zij gevestigd?",
                        f"Which partners did your firm collaborate with on innovation in {PERIOD}, "
                        "and where were they located?",
                    ),
                    since=2019,
                ),
                *(
                    Row(
                        "select_multiple location",
                        f"partner_{key}",
                        (nl, en),
                        ("Kies alle locaties, of 'geen'.", "Choose all locations, or 'none'."),
                        constraint=NONE_ALONE,
                        message=(
                            "'Geen' kan niet samen met een locatie worden gekozen.",
                            "'None' cannot be combined with a location.",
                        ),
                        since=2019,
                    )
                    for key, nl, en in PARTNERS
                ),
            ],
        ),
        *group(
            "barriers",
            ("Belemmeringen", "Obstacles"),
            2015,
            [
                Row(
                    "select_multiple obstacle",
                    "obstacles",
                    (
                        f"Wat belemmerde uw bedrijf in {PERIOD} bij het innoveren?",
                        f"What hampered your firm's innovation in {PERIOD}?",
                    ),
                    ("Kies alle die van toepassing zijn.", "Choose all that apply."),
                ),
                Row(
                    "text",
                    "obstacles_other",
                    ("Welke andere belemmering?", "Which other obstacle?"),
                    required=True,
                    relevant="selected(${obstacles}, '8')",
                ),
            ],
        ),
        *group(
            "support",
            ("Ondersteuning", "Support instruments"),
            2016,
            [
                Row(
                    "note",
                    "support_intro",
                    (
                        f"Kent uw bedrijf deze regelingen, en heeft het ze in {PERIOD} gebruikt?",
                        f"Does your firm know these support instruments, and did it use them in "
                        f"{PERIOD}?",
                    ),
                ),
                *(
                    Row("select_one awareness", f"support_{key}", (nl, en), required=True)
                    for key, nl, en in SUPPORT
                ),
            ],
        ),
        *group(
            "theme_2019",
            (
                "Thema 2019: financiering van innovatie en nieuwe technologieën",
                "Theme 2019: financing innovation and new technologies",
            ),
            2019,
            [
                Row(
                    "select_multiple finance_source",
                    "theme19_finance_sources",
                    (
                        f"Hoe financierde uw bedrijf zijn innovaties in {PERIOD}?",
                        f"How did your firm finance its innovations in {PERIOD}?",
                    ),
                    ("Kies alle die van toepassing zijn.", "Choose all that apply."),
                    relevant=YES_IF_INVESTING,
                ),
                Row(
                    "select_one yes_no",
                    "theme19_finance_gap",
                    (
                        f"Is in {PERIOD} een innovatieproject van uw bedrijf vertraagd of gestopt "
                        "door gebrek aan financiering?",
                        f"Was an innovation project of your firm delayed or stopped for lack of "
                        f"finance in {PERIOD}?",
                    ),
                    required=True,
                ),
                Row(
                    "decimal",
                    "theme19_finance_gap_amount",
                    (
                        "Hoeveel extra financiering had uw bedrijf nodig (in duizenden euro's)?",
                        "How much additional finance did your firm need (in thousands of euros)?",
                    ),
                    relevant="${theme19_finance_gap} = 1",
                    constraint=f". > 0 and . <= {MAX_AMOUNT}",
                    message=(
                        "Vul een bedrag groter dan 0 en hoogstens 1.000.000 (duizend euro) in.",
                        "Enter an amount above 0 and at most 1,000,000 (thousand euros).",
                    ),
                ),
                Row(
                    "select_multiple technology",
                    "theme19_technologies",
                    (
                        "Welke nieuwe technologieën gebruikt uw bedrijf voor innovatie?",
                        "Which new technologies does your firm use for innovation?",
                    ),
                    ("Kies alle die van toepassing zijn, of 'geen'.", "Choose all, or 'none'."),
                    constraint=NONE_ALONE,
                    message=(
                        "'Geen' kan niet samen met een technologie worden gekozen.",
                        "'None' cannot be combined with a technology.",
                    ),
                ),
                Row(
                    "select_one yes_no",
                    "theme19_technology_plans",
                    (
                        "Is uw bedrijf van plan binnen twee jaar een van deze technologieën te "
                        "gaan gebruiken?",
                        "Does your firm plan to start using one of these technologies within two "
                        "years?",
                    ),
                    relevant="selected(${theme19_technologies}, '0')",
                ),
            ],
        ),
        *group(
            "theme_2018",
            (
                "Thema 2018: doelen van innovatie en competenties",
                "Theme 2018: goals of innovation and competences",
            ),
            2018,
            [
                Row(
                    "select_one importance",
                    "theme18_goal_economic",
                    (
                        "Hoe belangrijk waren economische doelen (omzet, winst, marktaandeel) "
                        "voor de innovaties van uw bedrijf?",
                        "How important were economic goals (turnover, profit, market share) for "
                        "your firm's innovations?",
                    ),
                ),
                Row(
                    "select_one importance",
                    "theme18_goal_social",
                    (
                        "Hoe belangrijk waren maatschappelijke doelen (werkgelegenheid, "
                        "gezondheid, milieu, de regio) voor de innovaties van uw bedrijf?",
                        "How important were social goals (employment, health, environment, the "
                        "region) for your firm's innovations?",
                    ),
                ),
                Row(
                    "select_multiple competence",
                    "theme18_competences",
                    (
                        "Welke competenties voor innovatie heeft uw bedrijf zelf in huis?",
                        "Which competences for innovation does your firm have in-house?",
                    ),
                    ("Kies alle die van toepassing zijn.", "Choose all that apply."),
                ),
            ],
        ),
    ]


def choices() -> list[tuple[str, str, str, str]]:
    """The choices sheet: (list_name, name, label nl, label en)."""
    lists: dict[str, list[tuple[object, str, str]]] = {
        "yes_no": [(1, "Ja", "Yes"), (0, "Nee", "No")],
        "turnover_class": [
            (1, "Minder dan € 250.000", "Less than € 250,000"),
            (2, "€ 250.000 tot € 1 miljoen", "€ 250,000 to € 1 million"),
            (3, "€ 1 tot € 2 miljoen", "€ 1 to € 2 million"),
            (4, "€ 2 tot € 10 miljoen", "€ 2 to € 10 million"),
            (5, "€ 10 tot € 50 miljoen", "€ 10 to € 50 million"),
            (6, "€ 50 miljoen of meer", "€ 50 million or more"),
            (9, "Weet ik niet of zeg ik liever niet", "Don't know or prefer not to say"),
        ],
        "bpi_function": [
            (1, "Productie van goederen of diensten", "Production of goods or services"),
            (2, "Distributie en logistiek", "Distribution and logistics"),
            (3, "Marketing en verkoop", "Marketing and sales"),
            (4, "Informatie- en communicatiesystemen", "Information and communication systems"),
            (5, "Administratie en management", "Administration and management"),
            (
                6,
                "Ontwikkeling van producten en bedrijfsprocessen",
                "Product and business process development",
            ),
        ],
        "initiative_network": [(REGISTRY_PLACEHOLDER, "(uit het register)", "(from the registry)")],
        "initiative_test_environment": [
            (REGISTRY_PLACEHOLDER, "(uit het register)", "(from the registry)")
        ],
        "initiative_incubator": [
            (REGISTRY_PLACEHOLDER, "(uit het register)", "(from the registry)")
        ],
        "location": [
            (1, "In de eigen provincie", "In our own province"),
            (2, "In een andere noordelijke provincie", "In another northern province"),
            (3, "Elders in Nederland", "Elsewhere in the Netherlands"),
            (4, "In het buitenland", "Abroad"),
            (0, "Geen", "None"),
        ],
        "obstacle": [
            (1, "Hoge kosten", "High costs"),
            (2, "Gebrek aan financiering", "Lack of finance"),
            (3, "Gebrek aan geschikt personeel", "Lack of qualified staff"),
            (4, "Gebrek aan kennis", "Lack of knowledge"),
            (5, "Onzekere vraag in de markt", "Uncertain market demand"),
            (6, "Wet- en regelgeving", "Laws and regulations"),
            (7, "Geen behoefte aan innovatie", "No need to innovate"),
            (8, "Anders", "Other"),
        ],
        "awareness": [
            (0, "Niet bekend", "Not known"),
            (1, "Bekend, niet gebruikt", "Known, not used"),
            (2, "Aangevraagd", "Applied for"),
            (3, "Ontvangen", "Received"),
        ],
        "finance_source": [
            (1, "Eigen middelen", "Own funds"),
            (2, "Banklening", "Bank loan"),
            (3, "Subsidie", "Grant"),
            (4, "Familie, vrienden of informele investeerders", "Family, friends or angels"),
            (5, "Investeringsfonds (bijvoorbeeld de NOM)", "Investment fund (e.g. the NOM)"),
            (6, "Crowdfunding", "Crowdfunding"),
            (7, "Anders", "Other"),
        ],
        "technology": [
            (1, "Kunstmatige intelligentie", "Artificial intelligence"),
            (2, "Sensoren en internet of things", "Sensors and the internet of things"),
            (3, "Robotica en automatisering", "Robotics and automation"),
            (4, "3D-printen", "3D printing"),
            (5, "Data-analyse en big data", "Data analytics and big data"),
            (6, "Cloudtoepassingen", "Cloud computing"),
            (0, "Geen", "None"),
        ],
        "importance": [
            (1, "Helemaal niet belangrijk", "Not important at all"),
            (2, "Niet belangrijk", "Not important"),
            (3, "Neutraal", "Neutral"),
            (4, "Belangrijk", "Important"),
            (5, "Zeer belangrijk", "Very important"),
        ],
        "competence": [
            (1, "Technische kennis", "Technical knowledge"),
            (2, "Kennis van markten en klanten", "Knowledge of markets and customers"),
            (3, "Projectmanagement", "Project management"),
            (4, "Samenwerken en netwerken", "Collaboration and networking"),
            (5, "Financiering van innovatie", "Financing innovation"),
        ],
    }
    return [
        (list_name, str(name), nl, en)
        for list_name, items in lists.items()
        for name, nl, en in items
    ]


def settings() -> tuple:
    """The one row of the settings sheet."""
    return (TITLE_NL, TITLE_EN, FORM_ID, VERSION, NL)


def build(path: Path = WORKBOOK) -> Path:
    """Write the workbook to ``path`` (through a temporary file, then rename)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheets = (
        ("survey", SURVEY_COLUMNS, [row.cells() for row in survey()]),
        ("choices", CHOICES_COLUMNS, choices()),
        ("settings", SETTINGS_COLUMNS, [settings()]),
    )
    book.remove(book.active)
    for title, header, rows in sheets:
        sheet = book.create_sheet(title)
        sheet.append(header)
        for row in rows:
            sheet.append(row)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, str):
                    cell.number_format = "@"  # text: '2019.1' and '0' stay text in Excel
        sheet.freeze_panes = "C2" if title == "survey" else "A2"
        for index, width in enumerate(WIDTHS[: len(header)], start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width
    stamp = dt.datetime(2019, 1, 1)
    book.properties.creator = "innomon build_workbook.py"
    book.properties.created = stamp
    book.properties.modified = stamp
    tmp = path.with_name(f".{path.name}.tmp")
    book.save(tmp)
    tmp.replace(path)
    return path


if __name__ == "__main__":
    print(build())
