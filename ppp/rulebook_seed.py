"""The rule sets the system ships with (loaded by a data migration; edited later in the admin).

Percentages are fractions written as strings ("0.015" = 1.5%) so they stay exact. Where DOMAIN.md
calls a figure a placeholder (contingency, project-management norms), the notes say so: an agency
replaces it with the norm its appraisal body applies.
"""

from __future__ import annotations

from typing import Any

BIDDING_24_2024 = "Law on Bidding 22/2023/QH15; Decree 24/2024/NĐ-CP"
BIDDING_214_2025 = "Law on Bidding 22/2023/QH15 (amended); Decree 214/2025/NĐ-CP"
DECREE_24_FROM, DECREE_24_TO, DECREE_214_FROM = "2024-02-27", "2025-08-03", "2025-08-04"

_BIDDING_RULES: list[tuple[str, str, dict[str, Any]]] = [
    (
        "bidding.bid_security",
        "Bid security as a share of the package price",
        {
            "threshold_amount": "10000000000",
            "threshold_currency": "VND",
            "non_consulting_up_to_threshold_min": "0.01",
            "non_consulting_up_to_threshold_max": "0.015",
            "non_consulting_above_threshold_min": "0.015",
            "non_consulting_above_threshold_max": "0.03",
            "validity_extra_days": 30,
        },
    ),
    (
        "bidding.evaluation_weights",
        "Technical and price weights by procurement category",
        {
            "non_consulting": {
                "technical_min": "0.10",
                "technical_max": "0.30",
                "price_min": "0.70",
                "price_max": "0.90",
            },
            "goods": {
                "technical_min": "0.10",
                "technical_max": "0.30",
                "price_min": "0.70",
                "price_max": "0.90",
            },
            "high_technology": {
                "technical_min": "0.10",
                "technical_max": "0.40",
                "price_min": "0.60",
                "price_max": "0.90",
            },
            "consulting": {
                "technical_min": "0.70",
                "technical_max": "0.80",
                "price_min": "0.20",
                "price_max": "0.30",
            },
            "technical_absolute_max_non_consulting": "0.50",
            "price_score_scales": [100, 1000],
        },
    ),
    (
        "bidding.technical_pass_mark",
        "Minimum technical pass mark as a share of the maximum score",
        {"minimum": "0.70", "high_technical_minimum": "0.80", "high_technical_maximum": "0.90"},
    ),
    (
        "bidding.preparation_time",
        "Minimum bid preparation time and amendment notice",
        {
            "domestic_days": 18,
            "international_days": 35,
            "small_non_consulting_threshold": "10000000000",
            "small_non_consulting_domestic_days": 9,
            "small_non_consulting_international_days": 18,
            "amendment_min_days_before_closing": 10,
            "opening_within_hours": 2,
            "opening_minutes_within_hours": 24,
            "correction_acceptance_working_days": 3,
        },
    ),
    (
        "bidding.performance_security",
        "Performance security as a share of the contract price",
        {"min": "0.02", "max": "0.10", "abnormally_low_max": "0.30"},
    ),
    (
        "bidding.preference",
        "Preference loading for bids not entitled to preference",
        {"loading": "0.075"},
    ),
    (
        "bidding.abnormally_low",
        "Abnormally low bid screening (must be explained by the bidder)",
        {"below_package_price": "0.40", "below_mean_of_others": "0.40", "below_next_bid": "0.30"},
    ),
]

RULE_SETS: list[dict[str, Any]] = []
for _name, _title, _params in _BIDDING_RULES:
    RULE_SETS.append(
        {
            "name": _name,
            "version": "decree-24-2024",
            "title": _title,
            "legal_basis": BIDDING_24_2024,
            "valid_from": DECREE_24_FROM,
            "valid_to": DECREE_24_TO,
            "parameters": _params,
            "notes": "Superseded by Decree 214/2025/NĐ-CP in August 2025.",
        }
    )
    RULE_SETS.append(
        {
            "name": _name,
            "version": "decree-214-2025",
            "title": _title,
            "legal_basis": BIDDING_214_2025,
            "valid_from": DECREE_214_FROM,
            "valid_to": None,
            "parameters": _params,
            "notes": "Bidding-document templates: Circular 79/2025/TT-BTC.",
        }
    )

RULE_SETS += [
    {
        "name": "ppp.revenue_band",
        "version": "law-64-2020-original",
        "title": "Revenue increase and decrease sharing (PPP Law Art. 82)",
        "legal_basis": "Law 64/2020/QH14 on PPP investment, Art. 82",
        "valid_from": "2021-01-01",
        "valid_to": "2025-06-30",
        "parameters": {
            "upper_threshold": "1.25",
            "upper_threshold_min": "1.25",
            "upper_threshold_max": "1.25",
            "lower_threshold": "0.75",
            "lower_threshold_min": "0.75",
            "lower_threshold_max": "0.75",
            "share": "0.50",
            "share_basis": "threshold",
            "downside_contract_types": ["BOT", "BTO", "BOO"],
            "downside_conditions": [
                "cause_planning_policy_or_law_change",
                "price_and_term_adjustments_exhausted",
                "revenue_audited",
            ],
            "science_technology_exempt_years": 0,
        },
        "notes": "Investor pays the state 50% of revenue above 125% of the financial plan; the state "
        "pays 50% of the shortfall below 75%, only under the listed conditions.",
    },
    {
        "name": "ppp.revenue_band",
        "version": "amended-negotiable",
        "title": "Revenue increase and decrease sharing (PPP Law Art. 82, amended)",
        "legal_basis": "Law 64/2020/QH14 Art. 82 as amended in 2025",
        "valid_from": "2025-07-01",
        "valid_to": None,
        "parameters": {
            "upper_threshold": "1.25",
            "upper_threshold_min": "1.10",
            "upper_threshold_max": "1.25",
            "lower_threshold": "0.75",
            "lower_threshold_min": "0.75",
            "lower_threshold_max": "0.90",
            "share": "0.50",
            "share_basis": "threshold",
            "share_basis_choices": ["threshold", "plan"],
            "downside_contract_types": ["BOT", "BTO", "BOO"],
            "downside_conditions": [
                "cause_planning_policy_or_law_change",
                "price_and_term_adjustments_exhausted",
                "revenue_audited",
            ],
            "science_technology_exempt_years": 3,
        },
        "notes": "Thresholds negotiable (110-125% up, 75-90% down); the first 3 operating years of "
        "science-and-technology projects are exempt from upside sharing; whether the 50% applies to the "
        "gap from the threshold or from the plan is a contract parameter (share_basis). Check the "
        "effective date against the amending law before relying on it.",
    },
    {
        "name": "costing.project_management_norm",
        "version": "circular-04-2020-placeholder",
        "title": "Project management norm (share of pre-tax installation plus equipment)",
        "legal_basis": "Circular 04/2020/TT-BTTTT; Decree 73/2019/NĐ-CP as amended by Decree 82/2024/NĐ-CP",
        "valid_from": "2020-02-24",
        "valid_to": None,
        "parameters": {"rate": "0.03"},
        "notes": "Placeholder: the circular's norm depends on the investment value; set the applicable rate.",
    },
    {
        "name": "costing.contingency",
        "version": "circular-04-2020-placeholder",
        "title": "Contingency: quantity share and average price index",
        "legal_basis": "Circular 04/2020/TT-BTTTT; Decree 73/2019/NĐ-CP as amended by Decree 82/2024/NĐ-CP",
        "valid_from": "2020-02-24",
        "valid_to": None,
        "parameters": {"quantity_rate": "0.05", "price_index": "0.04"},
        "notes": "Placeholder: quantity contingency and the average annual price index change are "
        "parameters set per project.",
    },
    {
        "name": "costing.optimism_bias",
        "version": "green-book-2003",
        "title": "Optimism bias upper bounds by category",
        "legal_basis": "HM Treasury Green Book supplementary guidance on optimism bias",
        "valid_from": "2003-01-01",
        "valid_to": None,
        "parameters": {
            "equipment_development_capex_upper": "2.00",
            "outsourcing_opex_upper": "0.41",
            "standard_buildings_capex_upper": "0.24",
        },
        "notes": "Upper bounds; uplifts fall as risks are mitigated.",
    },
    {
        "name": "costing.discount_rate",
        "version": "defaults-2026",
        "title": "Discount rate bases",
        "legal_basis": "HM Treasury Green Book; CAPM; Vietnam PPP financial plan practice",
        "valid_from": "2003-01-01",
        "valid_to": None,
        "parameters": {
            "green_book_real": "0.035",
            "capm_market_premium": "0.06",
            "capm_it_beta": "0.9",
        },
        "notes": "A model states its own rate and basis; these are the defaults offered.",
    },
    {
        "name": "contracts.approval_chain",
        "version": "defaults-2026",
        "title": "Contract approval chain by contract value",
        "legal_basis": "Agency delegation of authority (internal policy)",
        "valid_from": "2020-01-01",
        "valid_to": None,
        "parameters": {
            "currency": "VND",
            "single_approver_up_to": "10000000000",
            "approvers_above": 2,
            "senior_required_above": True,
            "amendment_cumulative_flag_share": "0.10",
            "amendment_cumulative_review_share": "0.20",
        },
        "notes": "One approver up to VND 10 bn; above it two approvers, one of them senior.",
    },
]


def ensure_loaded(rule_set_model=None, chain_head_model=None) -> None:
    """Load the shipped rule sets and the audit chain head where they are missing.

    Used by the data migration (with historical models) and by the test suite, whose transactional
    tests empty every table, data-migration rows included, when they finish.
    """
    if rule_set_model is None or chain_head_model is None:
        from ppp.models import AuditChainHead, RuleSet

        rule_set_model, chain_head_model = RuleSet, AuditChainHead
    chain_head_model.objects.get_or_create(pk=1, defaults={"last_sequence": 0, "last_hash": "0" * 64})
    for spec in RULE_SETS:
        rule_set_model.objects.get_or_create(
            name=spec["name"],
            version=spec["version"],
            defaults={k: v for k, v in spec.items() if k not in {"name", "version"}},
        )
