"""Tables of the contracts app: tenders built from an approved cost model, their pricing schedule,
criteria, amendments and clarifications; sealed bids with their prices, answers and attachments;
the opening record; and the approval decisions.

Writes go through contracts.services, reads through contracts.selectors (which also seal bids until
opening). Money is in the tender's currency (the cost model's), as Decimal; rates are fractions.
Time-driven phases are derived from timestamps (a published tender is closed once `closing_at` has
passed), never stored, so nothing can forget to close a tender.
"""

from __future__ import annotations

from typing import TypedDict

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class _DecimalShape(TypedDict):
    max_digits: int
    decimal_places: int


RATE: _DecimalShape = {"max_digits": 9, "decimal_places": 6}
MONEY: _DecimalShape = {"max_digits": 20, "decimal_places": 4}


class ProcurementCategory(models.TextChoices):
    GOODS = "goods", _("Goods")
    NON_CONSULTING = "non_consulting", _("Non-consulting services")
    CONSULTING = "consulting", _("Consulting services")


class Scope(models.TextChoices):
    DOMESTIC = "domestic", _("Domestic")
    INTERNATIONAL = "international", _("International")


class EvaluationMethod(models.TextChoices):
    LOWEST_PRICE = "lowest_price", _("Lowest price")
    EVALUATED_PRICE = "evaluated_price", _("Evaluated price (lifecycle cost)")
    COMBINED = "combined", _("Combined technical and price")
    FIXED_PRICE = "fixed_price", _("Fixed price (consulting)")
    TECHNICAL_BASED = "technical_based", _("Technical-based (consulting)")


class TenderStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted for approval")
    RETURNED = "returned", _("Returned with comments")
    APPROVED = "approved", _("Approved for publication")
    PUBLISHED = "published", _("Published")
    OPENED = "opened", _("Bids opened")
    EVALUATED = "evaluated", _("Evaluated")
    AWARDED = "awarded", _("Awarded")
    CANCELLED = "cancelled", _("Cancelled")


EDITABLE_TENDER_STATUSES = frozenset({TenderStatus.DRAFT, TenderStatus.RETURNED})


class Tender(models.Model):
    """A call for bids (gói thầu) built from one option of an approved cost model version."""

    organisation = models.ForeignKey(
        "ppp.Organisation", on_delete=models.PROTECT, related_name="tenders", verbose_name=_("agency")
    )
    cost_model = models.ForeignKey("costing.CostModel", on_delete=models.PROTECT, related_name="tenders")
    option = models.ForeignKey("costing.Option", on_delete=models.PROTECT, related_name="tenders")
    reference = models.CharField(_("reference"), max_length=40, unique=True)
    title = models.CharField(_("title"), max_length=255)
    scope_of_work = models.TextField(_("scope and technical requirements"), blank=True)
    currency = models.CharField(_("currency"), max_length=3)
    procurement_category = models.CharField(
        _("procurement category"), max_length=20, choices=ProcurementCategory.choices
    )
    high_technology = models.BooleanField(_("high-technology package"), default=False)
    scope = models.CharField(_("domestic or international"), max_length=20, choices=Scope.choices)
    method = models.CharField(_("evaluation method"), max_length=20, choices=EvaluationMethod.choices)
    envelopes = models.PositiveSmallIntegerField(_("envelopes"), default=1)
    package_price = models.DecimalField(_("package price"), **MONEY)
    estimate = models.DecimalField(_("cost model estimate"), **MONEY)
    estimate_hash = models.CharField(max_length=64)
    discount_rate = models.DecimalField(_("discount rate for the evaluated price"), **RATE)
    vat_rate = models.DecimalField(_("VAT rate"), **RATE)
    technical_weight = models.DecimalField(_("technical weight"), **RATE, null=True, blank=True)
    price_weight = models.DecimalField(_("price weight"), **RATE, null=True, blank=True)
    price_score_scale = models.PositiveSmallIntegerField(_("score scale"), default=100)
    pass_mark = models.DecimalField(
        _("technical pass mark (share of the maximum)"), **RATE, null=True, blank=True
    )
    bid_security_rate = models.DecimalField(_("bid security (share of the package price)"), **RATE)
    bid_validity_days = models.PositiveSmallIntegerField(_("bid validity (days)"))
    publication_at = models.DateTimeField(_("publication"))
    clarification_deadline = models.DateTimeField(_("clarification deadline"))
    closing_at = models.DateTimeField(_("closing"))
    opening_at = models.DateTimeField(_("opening"))
    status = models.CharField(
        _("status"), max_length=20, choices=TenderStatus.choices, default=TenderStatus.DRAFT
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    published_at = models.DateTimeField(null=True, blank=True)
    content_hash = models.CharField(max_length=64, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    editors = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(package_price__gt=0), name="tender_package_price_positive"),
            models.CheckConstraint(
                condition=Q(package_price__lte=F("estimate")), name="tender_price_within_estimate"
            ),
            models.CheckConstraint(condition=Q(envelopes__in=[1, 2]), name="tender_envelopes"),
            models.CheckConstraint(condition=Q(price_score_scale__in=[100, 1000]), name="tender_score_scale"),
            models.CheckConstraint(
                condition=Q(clarification_deadline__lte=F("closing_at"))
                & Q(publication_at__lt=F("closing_at"))
                & Q(opening_at__gte=F("closing_at")),
                name="tender_timeline_order",
            ),
            models.CheckConstraint(condition=Q(status__in=TenderStatus.values), name="tender_status"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_TENDER_STATUSES


class Lot(models.Model):
    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="lots")
    number = models.PositiveSmallIntegerField(_("number"))
    name = models.CharField(_("name"), max_length=255)
    package_price = models.DecimalField(_("package price"), **MONEY)

    class Meta:
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["tender", "number"], name="lot_unique_number")]

    def __str__(self) -> str:
        return f"{self.tender.reference}/{self.number} {self.name}"


class ScheduleItem(models.Model):
    """One item of the pricing schedule (bill of quantities): the vendor prices it per year.
    `quantities` holds one decimal string per year of the tender's horizon."""

    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="items")
    lot = models.ForeignKey(Lot, on_delete=models.CASCADE, null=True, blank=True, related_name="items")
    position = models.PositiveIntegerField(default=0)
    code = models.CharField(_("code"), max_length=30)
    name = models.CharField(_("name"), max_length=255)
    category = models.CharField(_("category"), max_length=40)
    unit = models.CharField(_("unit"), max_length=40)
    quantities = models.JSONField(_("quantity per year"))
    vat_applicable = models.BooleanField(_("VAT applicable"), default=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [models.UniqueConstraint(fields=["tender", "code"], name="schedule_item_unique_code")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class CriterionKind(models.TextChoices):
    PASS_FAIL = "pass_fail", _("Pass/fail requirement")
    TECHNICAL = "technical", _("Technical criterion (scored)")


class Criterion(models.Model):
    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="criteria")
    position = models.PositiveIntegerField(default=0)
    kind = models.CharField(_("kind"), max_length=20, choices=CriterionKind.choices)
    code = models.CharField(_("code"), max_length=30)
    name = models.CharField(_("name"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    max_points = models.DecimalField(
        _("maximum points"), max_digits=8, decimal_places=2, null=True, blank=True
    )

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["tender", "code"], name="criterion_unique_code"),
            models.CheckConstraint(
                condition=(Q(kind="technical") & Q(max_points__gt=0))
                | (Q(kind="pass_fail") & Q(max_points__isnull=True)),
                name="criterion_points_by_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class TenderDecision(models.Model):
    """One workflow event of a tender: who, in which role, what, when, with which note."""

    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="decisions")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=20)
    decision = models.CharField(max_length=30)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.tender} {self.decision}"


class Amendment(models.Model):
    """A change to a published tender: a new version, shown as a diff, notified to vendors.
    One that comes less than the rule's days before closing moves the closing."""

    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="amendments")
    number = models.PositiveIntegerField(_("number"))
    reason = models.TextField(_("reason"))
    changes = models.JSONField(_("changes"))  # {field: {"before": ..., "after": ...}}
    closing_before = models.DateTimeField()
    closing_after = models.DateTimeField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField()

    class Meta:
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["tender", "number"], name="amendment_unique_number")]

    def __str__(self) -> str:
        return f"{self.tender.reference} amendment {self.number}"


class Clarification(models.Model):
    """A vendor's question and the agency's answer. Published to every vendor without naming who
    asked: `asked_by` and `vendor` are never shown outside the agency's own records."""

    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="clarifications")
    question = models.TextField(_("question"))
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    vendor = models.ForeignKey("ppp.Organisation", on_delete=models.PROTECT, related_name="+")
    asked_at = models.DateTimeField(auto_now_add=True)
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["asked_at", "pk"]

    def __str__(self) -> str:
        return f"{self.tender.reference} Q{self.pk}"


class BidStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    # A bid is lodged ("nộp"), where a cost model or tender is put up for approval ("trình").
    SUBMITTED = "submitted", pgettext_lazy("bid status", "Submitted")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Bid(models.Model):
    """A vendor's priced offer. Sealed until opening: contracts.selectors shows it only to the
    vendor's own people until the tender's opening record exists."""

    tender = models.ForeignKey(Tender, on_delete=models.PROTECT, related_name="bids")
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, null=True, blank=True, related_name="bids")
    vendor = models.ForeignKey("ppp.Organisation", on_delete=models.PROTECT, related_name="bids")
    status = models.CharField(_("status"), max_length=20, choices=BidStatus.choices, default=BidStatus.DRAFT)
    discount_rate = models.DecimalField(_("discount offered"), **RATE, default=0)
    bid_security_amount = models.DecimalField(_("bid security"), **MONEY, default=0)
    bid_security_reference = models.CharField(_("bid security reference"), max_length=100, blank=True)
    validity_days = models.PositiveSmallIntegerField(_("bid validity (days)"), null=True, blank=True)
    entitled_to_preference = models.BooleanField(_("entitled to preference"), default=False)
    # The total the bidder wrote on an uploaded price form, in figures and in words (parsed).
    stated_total = models.DecimalField(**MONEY, null=True, blank=True)
    stated_total_in_words = models.DecimalField(**MONEY, null=True, blank=True)
    tender_version = models.PositiveIntegerField(default=1)  # the tender version the bid answers
    content_hash = models.CharField(max_length=64, blank=True)
    receipt_number = models.CharField(max_length=40, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)  # the database clock's time
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            # One bid per vendor per tender and lot (withdrawing keeps the row, a new bid reuses it).
            models.UniqueConstraint(
                fields=["tender", "vendor"], condition=Q(lot__isnull=True), name="bid_one_per_vendor"
            ),
            models.UniqueConstraint(fields=["tender", "lot", "vendor"], name="bid_one_per_vendor_and_lot"),
            models.CheckConstraint(condition=Q(status__in=BidStatus.values), name="bid_status"),
            models.CheckConstraint(
                condition=~Q(status="submitted") | (Q(submitted_at__isnull=False) & ~Q(content_hash="")),
                name="bid_submitted_has_hash_and_time",
            ),
        ]

    def __str__(self) -> str:
        return f"bid {self.pk} on {self.tender.reference}"


class BidPrice(models.Model):
    """The vendor's unit price of one schedule item, per year (`unit_prices`: one decimal string per
    year, or null for an item the vendor leaves unpriced)."""

    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="prices")
    item = models.ForeignKey(ScheduleItem, on_delete=models.PROTECT, related_name="+")
    unit_prices = models.JSONField()
    # The line amounts the bidder wrote per year on an uploaded price form (null when the grid
    # computed them): arithmetic correction compares them with quantity x unit price.
    stated_amounts = models.JSONField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["bid", "item"], name="bid_price_unique_item")]

    def __str__(self) -> str:
        return f"{self.bid_id}:{self.item_id}"


class BidAnswer(models.Model):
    """The vendor's answer to a criterion: compliance for a pass/fail requirement, a description for
    a technical criterion (scored later by the evaluators)."""

    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="answers")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    complies = models.BooleanField(null=True)
    response = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["bid", "criterion"], name="bid_answer_unique_criterion")
        ]

    def __str__(self) -> str:
        return f"{self.bid_id}:{self.criterion_id}"


class BidAttachment(models.Model):
    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="bids/%Y/%m/")
    name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name


class Opening(models.Model):
    """The bid opening: when, by whom, and the record published to every participant."""

    tender = models.OneToOneField(Tender, on_delete=models.PROTECT, related_name="opening")
    opened_at = models.DateTimeField()
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    record = models.JSONField()  # bidders, prices, discounts, bid security, validity, hash checks
    record_hash = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"opening of {self.tender.reference}"


# Evaluation.


class EvaluationStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")


class Evaluation(models.Model):
    """The evaluation of an opened tender: its panel (a chair and evaluators), and once computed the
    figures with the hash of their inputs."""

    tender = models.OneToOneField(Tender, on_delete=models.PROTECT, related_name="evaluation")
    chair = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    evaluators = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+")
    status = models.CharField(
        max_length=20, choices=EvaluationStatus.choices, default=EvaluationStatus.IN_PROGRESS
    )
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField(auto_now_add=True)
    computed_at = models.DateTimeField(null=True, blank=True)
    input_hash = models.CharField(max_length=64, blank=True)
    results = models.JSONField(null=True, blank=True)

    def __str__(self) -> str:
        return f"evaluation of {self.tender.reference}"


class ConflictDeclaration(models.Model):
    """An evaluator's declaration, before scoring, that they have (or have not) a conflict of interest."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="declarations")
    evaluator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    has_conflict = models.BooleanField()
    statement = models.TextField(blank=True)
    declared_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "evaluator"], name="declaration_one_per_evaluator")
        ]

    def __str__(self) -> str:
        return f"{self.evaluator} on {self.evaluation}"


class CorrectionStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed to the bidder")
    ACCEPTED = "accepted", _("Accepted by the bidder")
    REJECTED = "rejected", _("Rejected by the bidder")


class BidCorrection(models.Model):
    """The arithmetic correction of one bid, which the bidder accepts or rejects within the rule's
    working days (a rejected correction makes the bid non-responsive)."""

    bid = models.OneToOneField(Bid, on_delete=models.PROTECT, related_name="correction")
    corrections = models.JSONField()
    stated_total = models.DecimalField(**MONEY, null=True, blank=True)
    corrected_total = models.DecimalField(**MONEY)
    status = models.CharField(
        max_length=20, choices=CorrectionStatus.choices, default=CorrectionStatus.PROPOSED
    )
    respond_by = models.DateTimeField()
    responded_at = models.DateTimeField(null=True, blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    def __str__(self) -> str:
        return f"correction of bid {self.bid_id}"


class ComplianceResult(models.Model):
    """Whether a bid meets a pass/fail requirement: each evaluator's view, and the chair's consensus
    (evaluator null)."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="compliance")
    bid = models.ForeignKey(Bid, on_delete=models.PROTECT, related_name="+")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    evaluator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    passed = models.BooleanField()
    note = models.TextField(blank=True)
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation", "bid", "criterion", "evaluator"], name="compliance_one_per_evaluator"
            ),
            models.UniqueConstraint(
                fields=["evaluation", "bid", "criterion"],
                condition=Q(evaluator__isnull=True),
                name="compliance_one_consensus",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.bid_id}:{self.criterion_id}"


class TechnicalScore(models.Model):
    """Points for a technical criterion: each evaluator scores alone; the chair records the panel's
    consensus (evaluator null), which is what counts."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="scores")
    bid = models.ForeignKey(Bid, on_delete=models.PROTECT, related_name="+")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    evaluator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    points = models.DecimalField(max_digits=8, decimal_places=2)
    note = models.TextField(blank=True)
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation", "bid", "criterion", "evaluator"], name="score_one_per_evaluator"
            ),
            models.UniqueConstraint(
                fields=["evaluation", "bid", "criterion"],
                condition=Q(evaluator__isnull=True),
                name="score_one_consensus",
            ),
            models.CheckConstraint(condition=Q(points__gte=0), name="score_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.bid_id}:{self.criterion_id} {self.points}"


# Award.


class AwardStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected by the approver")
    CANCELLED = "cancelled", _("Cancelled")


class Award(models.Model):
    """The decision naming the winning bid: proposed by a finance officer with reasons, approved by an
    approver of the reviewing body; cancelled with a reason so that the next bid can be considered."""

    tender = models.ForeignKey(Tender, on_delete=models.PROTECT, related_name="awards")
    bid = models.ForeignKey(Bid, on_delete=models.PROTECT, related_name="awards")
    status = models.CharField(max_length=20, choices=AwardStatus.choices, default=AwardStatus.PROPOSED)
    contract_price = models.DecimalField(**MONEY)
    reasons = models.TextField()
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    cancelled_reason = models.TextField(blank=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["proposed_at", "pk"]
        constraints = [
            # At most one live award per tender at a time.
            models.UniqueConstraint(
                fields=["tender"],
                condition=Q(status__in=["proposed", "approved"]),
                name="award_one_live_per_tender",
            ),
        ]

    def __str__(self) -> str:
        return f"award of {self.tender.reference} to bid {self.bid_id}"


class ContractStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    UNDER_REVIEW = "under_review", _("Under review")
    APPROVED = "approved", _("Approved")
    ACTIVE = "active", _("Active")
    COMPLETED = "completed", _("Completed")
    TERMINATED = "terminated", _("Terminated")


class ContractType(models.TextChoices):
    SERVICE_HIRE = "service_hire", _("IT service hire")
    BOT = "BOT", _("Build-operate-transfer (BOT)")
    BTO = "BTO", _("Build-transfer-operate (BTO)")
    BOO = "BOO", _("Build-own-operate (BOO)")
    OM = "O&M", _("Operate and maintain (O&M)")
    BTL = "BTL", _("Build-transfer-lease (BTL)")
    BLT = "BLT", _("Build-lease-transfer (BLT)")


PPP_CONTRACT_TYPES = frozenset(
    {
        ContractType.BOT,
        ContractType.BTO,
        ContractType.BOO,
        ContractType.OM,
        ContractType.BTL,
        ContractType.BLT,
    }
)


class Contract(models.Model):
    """The contract created from an approved award: parties, value, the winning bid's corrected price
    schedule, and the terms the agency completes (type, term, performance security, warranty, data
    and hand-over clauses, milestones, payment mechanism, service levels). Reviewed by the approval
    chain the rule book sets by value; the approved version is frozen with the hash of its content,
    signed by both parties, and the contract becomes active."""

    award = models.OneToOneField(Award, on_delete=models.PROTECT, related_name="contract")
    tender = models.ForeignKey(Tender, on_delete=models.PROTECT, related_name="contracts")
    agency = models.ForeignKey(
        "ppp.Organisation", on_delete=models.PROTECT, related_name="contracts_as_agency"
    )
    vendor = models.ForeignKey(
        "ppp.Organisation", on_delete=models.PROTECT, related_name="contracts_as_vendor"
    )
    currency = models.CharField(max_length=3)
    value = models.DecimalField(**MONEY)
    price_schedule = (
        models.JSONField()
    )  # the winning bid's corrected prices: {item code: [unit price per year]}
    status = models.CharField(max_length=20, choices=ContractStatus.choices, default=ContractStatus.DRAFT)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    title = models.CharField(_("title"), max_length=300, blank=True)
    contract_type = models.CharField(
        _("contract type"), max_length=20, choices=ContractType.choices, default=ContractType.SERVICE_HIRE
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    performance_security_rate = models.DecimalField(_("performance security"), **RATE, null=True, blank=True)
    warranty_months = models.PositiveIntegerField(_("warranty (months)"), null=True, blank=True)
    data_ownership = models.TextField(_("data ownership"), blank=True)
    handover = models.TextField(_("hand-over at the end"), blank=True)
    version = models.PositiveIntegerField(default=1)
    # Who has changed this version's terms: none of them may approve it.
    authors = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+", blank=True)
    review_round = models.PositiveIntegerField(default=0)  # submissions of this version so far
    required_approvals = models.PositiveSmallIntegerField(default=1)
    senior_required = models.BooleanField(default=False)
    approval_rule = models.CharField(max_length=200, blank=True)  # the rule set the chain came from
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_hash = models.CharField(max_length=64, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    activated_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    termination_reason = models.TextField(blank=True)
    # Lines an amendment added to the schedule: [{code, name, unit, vat_applicable, quantities, unit_prices}]
    extra_lines = models.JSONField(default=list, blank=True)

    def __str__(self) -> str:
        return f"contract of {self.tender.reference}"


class AmendmentRationale(models.TextChoices):
    SCOPE_CHANGE = "scope_change", _("Scope change")
    QUANTITY_CHANGE = "quantity_change", _("Quantity change")
    PRICE_ADJUSTMENT = "price_adjustment", _("Price adjustment")
    INDEXATION = "indexation", _("Indexation")
    TERM_EXTENSION = "term_extension", _("Term extension")
    CHANGE_IN_LAW = "change_in_law", _("Change in law")
    FORCE_MAJEURE = "force_majeure", _("Force majeure")
    TECHNOLOGY_CHANGE = "technology_change", _("Technology change")
    CORRECTION = "correction", _("Correction of an error")


class ContractAmendmentStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    UNDER_REVIEW = "under_review", _("Under review")
    APPROVED = "approved", _("Approved, awaiting signature")
    IN_FORCE = "in_force", _("In force")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


OPEN_AMENDMENT_STATUSES = ("draft", "under_review", "approved")


class ContractAmendment(models.Model):
    """A change to an active contract: why (a rationale from the codelist), which terms and price
    lines change, its effect on the value as an amount and as a share of the original, and whether
    the net cumulative change passes the rule book's thresholds. Reviewed by the approval chain
    again; the approved result is frozen as the contract's next version and comes into force when
    both parties have signed it."""

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="amendments")
    number = models.PositiveIntegerField(_("number"))  # 1, 2, ... per contract
    version = models.PositiveIntegerField()  # the contract version it would create
    rationale = models.CharField(_("rationale"), max_length=30, choices=AmendmentRationale.choices)
    description = models.TextField(_("description"))
    terms = models.JSONField(default=dict)  # {term field: new value}
    prices = models.JSONField(default=dict)  # {item code: [new unit price per year]}
    new_lines = models.JSONField(
        default=list
    )  # [{code, name, unit, vat_applicable, quantities, unit_prices}]
    value_before = models.DecimalField(**MONEY)
    value_after = models.DecimalField(**MONEY)
    value_effect = models.DecimalField(**MONEY)
    effect_share = models.DecimalField(max_digits=12, decimal_places=6)  # of the original value
    cumulative_share = models.DecimalField(max_digits=12, decimal_places=6)  # net, with this one
    flagged = models.BooleanField(default=False)  # cumulative change passes the flag threshold
    escalated = models.BooleanField(default=False)  # ... passes the review threshold: full chain
    status = models.CharField(
        max_length=20, choices=ContractAmendmentStatus.choices, default=ContractAmendmentStatus.DRAFT
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    authors = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+", blank=True)
    review_round = models.PositiveIntegerField(default=0)
    required_approvals = models.PositiveSmallIntegerField(default=1)
    senior_required = models.BooleanField(default=False)
    approval_rule = models.CharField(max_length=300, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_hash = models.CharField(max_length=64, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    in_force_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "number"], name="contract_amendment_unique_number"),
            # One amendment at a time is being prepared, reviewed or signed.
            models.UniqueConstraint(
                fields=["contract"],
                condition=Q(status__in=OPEN_AMENDMENT_STATUSES),
                name="contract_amendment_one_open",
            ),
        ]

    def __str__(self) -> str:
        return f"amendment {self.number} of contract {self.contract_id}"


class ContractDecisionKind(models.TextChoices):
    APPROVE = "approve", _("Approve")
    REQUEST_CHANGES = "request_changes", _("Request changes")
    REJECT = "reject", _("Reject")


class ContractDecision(models.Model):
    """One reviewer's decision on one version of a contract, with its comment."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="decisions")
    version = models.PositiveIntegerField()
    round = models.PositiveIntegerField(default=1)  # each submission of a version is a new round
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    senior = models.BooleanField(default=False)  # the reviewer was a senior approver when deciding
    decision = models.CharField(max_length=20, choices=ContractDecisionKind.choices)
    comment = models.TextField(blank=True)
    decided_at = models.DateTimeField(auto_now_add=True)
    amendment = models.ForeignKey(
        "ContractAmendment", on_delete=models.CASCADE, null=True, blank=True, related_name="decisions"
    )  # set when the decision is on an amendment

    class Meta:
        ordering = ["decided_at", "pk"]
        constraints = [
            # Nobody counts twice in one round of the chain: that is what "approving twice" would be.
            models.UniqueConstraint(
                fields=["contract", "version", "round", "reviewer"],
                condition=Q(decision="approve"),
                name="contract_decision_one_approval_per_reviewer",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.decision} of contract {self.contract_id} v{self.version} by {self.reviewer_id}"


class ContractVersion(models.Model):
    """An approved version, frozen: its content exactly as approved and the SHA-256 of it."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    content = models.JSONField()
    content_hash = models.CharField(max_length=64)
    approved_at = models.DateTimeField()

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "number"], name="contract_version_unique_number")
        ]

    def __str__(self) -> str:
        return f"contract {self.contract_id} v{self.number}"


class ContractSignature(models.Model):
    """Who signed an approved version for a party, and when."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="signatures")
    version = models.PositiveIntegerField()
    party = models.ForeignKey("ppp.Organisation", on_delete=models.PROTECT, related_name="+")
    signer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    content_hash = models.CharField(max_length=64)  # the hash of what was signed
    signed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["signed_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "version", "party"], name="contract_signature_one_per_party"
            )
        ]

    def __str__(self) -> str:
        return f"signature of {self.party_id} on contract {self.contract_id} v{self.version}"


class Milestone(models.Model):
    """A delivery milestone with its acceptance criteria; accepted by the agency."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="milestones")
    position = models.PositiveIntegerField(default=0)
    name = models.CharField(_("name"), max_length=300)
    due_date = models.DateField(_("due date"))
    amount = models.DecimalField(_("payment"), **MONEY, null=True, blank=True)
    acceptance_criteria = models.TextField(_("acceptance criteria"), blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.name


class MechanismKind(models.TextChoices):
    FIXED_FEE = "fixed_fee", _("Fixed service fee, indexed")
    PER_TRANSACTION = "per_transaction", _("Per-transaction fees")
    TIERED_SHARE = "tiered_share", _("Tiered revenue share")
    AVAILABILITY = "availability", _("Availability payment with deductions")
    SERVICE_CREDITS = "service_credits", _("Service credits")
    MINIMUM_GUARANTEE = "minimum_guarantee", _("Minimum revenue guarantee")
    REVENUE_CAP = "revenue_cap", _("Revenue cap")
    REVENUE_BAND = "revenue_band", _("Revenue band sharing (PPP Law Art. 82)")


class PaymentMechanism(models.Model):
    """One part of the contract's payment mechanism; `parameters` are validated per kind by
    contracts.services.contracting (the revenue-share capability computes them)."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="mechanisms")
    position = models.PositiveIntegerField(default=0)
    kind = models.CharField(max_length=30, choices=MechanismKind.choices)
    parameters = models.JSONField()

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return f"{self.kind} of contract {self.contract_id}"


class MeasurementPeriod(models.TextChoices):
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    ANNUAL = "annual", _("Annual")


class ServiceLevel(models.Model):
    """A KPI: its target per measurement period and the credit or deduction when it is missed."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="service_levels")
    position = models.PositiveIntegerField(default=0)
    code = models.CharField(_("code"), max_length=30)
    name = models.CharField(_("name"), max_length=300)
    target = models.DecimalField(_("target"), max_digits=12, decimal_places=4)
    unit = models.CharField(_("unit"), max_length=30, default="%")
    period = models.CharField(_("measurement period"), max_length=20, choices=MeasurementPeriod.choices)
    rule = models.JSONField(_("credit or deduction rule"))

    class Meta:
        ordering = ["position", "pk"]
        constraints = [models.UniqueConstraint(fields=["contract", "code"], name="service_level_unique_code")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class FinancialPlanYear(models.Model):
    """A PPP contract's financial plan: projected revenue per year (the revenue band compares with it)."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="financial_plan")
    year = models.PositiveIntegerField()
    projected_revenue = models.DecimalField(**MONEY)

    class Meta:
        ordering = ["year"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "year"], name="financial_plan_unique_year")
        ]

    def __str__(self) -> str:
        return f"{self.year}: {self.projected_revenue}"
