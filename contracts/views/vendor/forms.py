"""Page forms of a vendor's bid. They parse what a person typed (numbers the way the reader's
language writes them, a discount as a percentage); the services decide."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from contracts.models import Bid, Tender
from contracts.services.bids import ALLOWED_ATTACHMENTS, MAX_ATTACHMENT_BYTES
from contracts.spreadsheets import MAX_BYTES as PRICE_FORM_MAX_BYTES
from costing.forms import NumberField, PercentField
from costing.templatetags.costing_tags import legal_text, percent
from ppp import rules
from ppp.errors import NotFound
from ppp.templatetags.ppp_tags import amount

from ._common import required_bid_security

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def preference_rule(tender: Tender) -> rules.Rule | None:
    """The preference loading valid on the tender's publication, when the rule book has one."""
    try:
        return rules.get("bidding.preference", tender.published_at or tender.publication_at)
    except NotFound:
        return None


class BidTermsForm(forms.Form):
    discount_rate = PercentField(
        label=_("Discount (percentage of the bid price)"),
        min_value=Decimal(0),
        help_text=_("Type 2 for 2%; 0 for no discount. It applies to the price including VAT."),
    )
    bid_security_amount = NumberField(label=_("Bid security amount"), min_value=Decimal(0))
    bid_security_reference = forms.CharField(
        label=_("Bid security reference"),
        required=False,
        max_length=100,
        help_text=_("The number of the bank guarantee or of the deposit."),
    )
    validity_days = forms.IntegerField(label=_("Bid validity (days)"), min_value=1, max_value=730)
    entitled_to_preference = forms.BooleanField(
        label=_("The bid is entitled to preference"),
        required=False,
    )

    def __init__(self, *args: Any, tender: Tender, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["bid_security_amount"].help_text = _(
            "At least %(amount)s (%(rate)s of the package price %(price)s), valid for the bid validity"
            " plus 30 days."
        ) % {
            "amount": amount(required_bid_security(tender), tender.currency),
            "rate": percent(tender.bid_security_rate),
            "price": amount(tender.package_price, tender.currency),
        }
        self.fields["validity_days"].help_text = _("At least %(days)d days, as the tender asks.") % {
            "days": tender.bid_validity_days
        }
        preference = preference_rule(tender)
        if preference is not None:
            self.fields["entitled_to_preference"].help_text = _(
                "A bid not entitled to preference has %(loading)s of its price added when prices are"
                " compared (%(basis)s)."
            ) % {
                "loading": percent(preference.decimal("loading")),
                "basis": legal_text(preference.legal_basis),
            }
        for field in ("discount_rate", "bid_security_amount"):
            self.fields[field].widget.attrs["size"] = 16

    @staticmethod
    def initial_for(bid: Bid) -> dict[str, Any]:
        return {
            "discount_rate": Decimal(bid.discount_rate),
            "bid_security_amount": Decimal(bid.bid_security_amount),
            "bid_security_reference": bid.bid_security_reference,
            "validity_days": bid.validity_days,
            "entitled_to_preference": bid.entitled_to_preference,
        }

    def service_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "discount_rate": str(data["discount_rate"]),
            "bid_security_amount": data["bid_security_amount"],
            "bid_security_reference": data["bid_security_reference"],
            "validity_days": data["validity_days"],
            "entitled_to_preference": bool(data["entitled_to_preference"]),
        }


def allowed_attachment_types() -> str:
    return ", ".join(sorted(ALLOWED_ATTACHMENTS))


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("File"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _("At most %(size)s; allowed types: %(types)s.") % {
            "size": filesizeformat(MAX_ATTACHMENT_BYTES),
            "types": allowed_attachment_types(),
        }
        self.fields["file"].widget.attrs["accept"] = ",".join(sorted(ALLOWED_ATTACHMENTS))


class PriceFormUploadForm(forms.Form):
    file = forms.FileField(label=_("Filled price form (.xlsx)"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "At most %(size)s. Every item, all or nothing: an error anywhere saves nothing."
        ) % {"size": filesizeformat(PRICE_FORM_MAX_BYTES)}
        self.fields["file"].widget.attrs["accept"] = f".xlsx,{XLSX}"
