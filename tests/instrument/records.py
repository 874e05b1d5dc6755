"""~30 hand-made firm records for the derived variables: every gate yes, no and missing, huge and
infinite numbers, negative ages, select_multiple answers as lists and as strings, with and
without the register's count of initiatives."""

from __future__ import annotations

YEAR = 2019
THRESHOLD = 0.4
CONTEXT = {"wave.year": YEAR, "parameter.top_innovator_threshold": THRESHOLD}
PARTNERS = (
    "customers",
    "suppliers",
    "competitors",
    "consultants",
    "knowledge_institutions",
    "government",
)
SUPPORT = ("wbso", "mit", "innovatiekrediet", "efro", "voucher")

EDGE_CASES: list[dict] = [
    {},  # nothing answered, no register fields
    {  # an innovator with everything answered, codes as lists
        "employees": 12,
        "founding_year": 2001,
        "turnover_class": 3,
        "product_innovation": 1,
        "process_innovation": 0,
        "product_new_to_market": 1,
        "turnover_new_market_pct": 45.0,
        "turnover_new_firm_pct": 20.0,
        "innovation_investment": 1,
        "rd_internal": 1,
        "innovation_spend_pct": 7.5,
        "collab_knowledge_institution": 1,
        "initiatives_network": ["energy_valley", "healthy_ageing"],
        "initiatives_incubator": ["vbi"],
        "partner_customers": [1, 4],
        "partner_suppliers": [0],
        "support_wbso": 3,
        "support_mit": 1,
        "n_initiatives": 3,
        "sbi_section": "C",
        "size_class": "small",
        "province": "GR",
        "corop": "CR01",
    },
    {  # codes as strings, numbers as text, a turnover class 'don't know'
        "employees": "40",
        "founding_year": "1990",
        "turnover_class": "9",
        "product_innovation": "1",
        "process_innovation": "1",
        "product_new_to_market": "0",
        "turnover_new_market_pct": "40",  # exactly at the threshold: not a top innovator
        "turnover_new_firm_pct": "",
        "innovation_investment": "0",
        "collab_knowledge_institution": "0",
        "initiatives_test_environment": "lab_a lab_b",
        "partner_government": "2 3",
        "partner_consultants": "1,3",
        "support_efro": "0",
        "n_initiatives": None,
        "sbi_section": "j",
        "size_class": "micro",
    },
    {  # huge numbers: beyond any float, infinite, and finite but enormous
        "employees": 10**400,
        "founding_year": 10**400,
        "turnover_class": 6,
        "product_innovation": 1,
        "process_innovation": None,
        "product_new_to_market": 1,
        "turnover_new_market_pct": 1e300,
        "turnover_new_firm_pct": 10**400,
        "innovation_investment": 1,
        "rd_internal": 0,
        "innovation_spend_pct": float("inf"),
        "collab_knowledge_institution": None,
        "n_initiatives": 0,
    },
    {  # founded after the wave year: no age; gates no; partners 'none' everywhere
        "founding_year": 2030,
        "turnover_class": 1,
        "product_innovation": 0,
        "process_innovation": 0,
        "innovation_investment": 0,
        "collab_knowledge_institution": 0,
        **{f"partner_{p}": [0] for p in PARTNERS},
        **{f"support_{s}": 2 for s in SUPPORT},
        "n_initiatives": 2,  # the register wins over the answers
        "initiatives_network": [],
    },
    {  # a gate missing, its follow-ups given anyway; a float code in a list
        "founding_year": 2019,
        "turnover_class": 2.0,
        "product_innovation": None,
        "process_innovation": 1,
        "product_new_to_market": 1,
        "turnover_new_market_pct": 80,
        "innovation_investment": None,
        "rd_internal": 1,
        "innovation_spend_pct": 3,
        "partner_knowledge_institutions": [2.0, 2],
        "initiatives_incubator": "a;b;a",
        "n_initiatives": 1,
    },
]


def _varied(i: int) -> dict:
    """A record from cycling through answers, so that gates and follow-ups combine."""
    gate = (1, 0, None)
    rec: dict = {
        "employees": (1, 9, 49, 249, None)[i % 5],
        "founding_year": (1850, 2015, 2019, 2020, None, 1999)[i % 6],
        "turnover_class": (1, 2, 3, 4, 5, 6, 9, None)[i % 8],
        "product_innovation": gate[i % 3],
        "process_innovation": gate[(i // 3) % 3],
        "innovation_investment": gate[(i // 2) % 3],
        "collab_knowledge_institution": gate[(i // 4) % 3],
        "n_initiatives": (0, 1, 4, None)[i % 4],
        "sbi_section": "ABCFGHJKMNQ"[i % 11],
        "size_class": ("micro", "small", "medium")[i % 3],
        "province": ("GR", "FR", "DR")[i % 3],
        "corop": f"CR0{i % 7 + 1}",
    }
    if rec["product_innovation"] == 1:
        rec["product_new_to_market"] = gate[i % 2 + (i % 5 == 0)]
        rec["turnover_new_market_pct"] = (0, 10.5, 40, 41, 100, None)[i % 6]
        rec["turnover_new_firm_pct"] = (5, None, 60)[i % 3]
    if rec["innovation_investment"] == 1:
        rec["rd_internal"] = gate[(i + 1) % 3]
        rec["innovation_spend_pct"] = (0.5, None, 12, 100)[i % 4]
    networks = (["energy_valley"], None, "a b", ["x", "y", "z"])[i % 4]
    if networks is not None:
        rec["initiatives_network"] = networks
    if i % 3 == 0:
        rec["initiatives_test_environment"] = "lab"
    if i % 2:  # the partner questions (asked since 2019): some answered, some not
        for j, p in enumerate(PARTNERS):
            rec[f"partner_{p}"] = ([1], [2, 3], "4", [0], None, "1 2 3 4")[(i + j) % 6]
    for j, s in enumerate(SUPPORT):
        rec[f"support_{s}"] = (0, 1, 2, 3, None)[(i + j) % 5]
    return rec


RECORDS: list[dict] = EDGE_CASES + [_varied(i) for i in range(24)]
assert len(RECORDS) == 30
assert {r.get("product_innovation") for r in RECORDS} >= {0, 1, None}
assert any("partner_customers" not in r for r in RECORDS)
