"""The rule of each statement line, in the reader's language.

The pure calculations (revenue_share/calculations/) write each line's rule in English, the language of
the code, and the statement stores it so. These are those texts as message ids: the pages, the
statement document and its workbook show `rule_text(line["rule"])`. A rule the contract itself wrote
(a KPI's own wording) is not among them and is shown as written.
"""

from __future__ import annotations

from django.utils.translation import gettext, gettext_noop

RULES = frozenset(
    {
        gettext_noop("valid volume × fee per transaction"),
        gettext_noop("share × the part of net revenue within the band"),
        gettext_noop("share × net revenue × the part of the valid volume within the band ÷ valid volume"),
        gettext_noop("fee per period × months ÷ months of the fee's period × (1 + indexation rate)^years"),
        gettext_noop("floor − entitlement, when the entitlement is below the floor"),
        gettext_noop("entitlement − cap, when the entitlement is above the cap"),
        gettext_noop("annual payment × months ÷ 12"),
        gettext_noop("area rate × weighting × missed periods × (1 or still-used factor) × ratchet"),
        gettext_noop("deductions above the period's availability payment are not taken"),
        gettext_noop("(target − actual) percentage points of the period charge"),
        gettext_noop("(target − actual) × rate per point × the period charge"),
        gettext_noop("credits above cap share × the period charge are not taken"),
        gettext_noop("share × (revenue − plan)"),
        gettext_noop("share × (revenue − upper threshold × plan)"),
        gettext_noop("share × (plan − revenue)"),
        gettext_noop("share × (lower threshold × plan − revenue)"),
        gettext_noop("the balance of the statement before"),
        gettext_noop("recomputed − locked"),
    }
)


def rule_text(rule: str) -> str:
    """A line's rule in the active language (as written when it is not one of the engine's)."""
    return gettext(rule) if rule in RULES else rule


# The conditions of the revenue band sharing (calculations/band.py), and which side each applies to.
CONDITIONS = {
    "revenue_audited": gettext_noop("The year's revenue is audited"),
    "outside_upside_exempt_years": gettext_noop("The year is past the upside-exempt operating years"),
    "downside_allowed": gettext_noop("The contract shares a shortfall (BOT, BTO or BOO)"),
    "cause_planning_policy_or_law_change": gettext_noop(
        "A shortfall comes from changes in planning, policy or law"
    ),
    "price_and_term_adjustments_exhausted": gettext_noop("Price and term adjustments are exhausted"),
}
SIDES = {
    "both": gettext_noop("both sides"),
    "upside": gettext_noop("the excess"),
    "downside": gettext_noop("the shortfall"),
}


def condition_text(name: str) -> str:
    return gettext(CONDITIONS[name]) if name in CONDITIONS else name


def side_text(applies_to: str) -> str:
    return gettext(SIDES[applies_to]) if applies_to in SIDES else applies_to
