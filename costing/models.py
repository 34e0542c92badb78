"""Tables of the costing app: cost models (versioned, maker-checker approved), their delivery options,
cost lines, risks, named scenarios, the approval decisions and the calculation receipts.

Rates are fractions (0.10 means 10 %). Money amounts are in the model's currency (ISO 4217), as
entered (unrounded Decimal). Years named `*_year` are calendar years; period t = 0..horizon-1 is
calendar year base_year + t. Writes go through costing.services, reads through costing.selectors.
"""

from __future__ import annotations

from typing import TypedDict

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

HORIZON_MIN = 1
HORIZON_MAX = 30


class _DecimalShape(TypedDict):
    max_digits: int
    decimal_places: int


RATE: _DecimalShape = {"max_digits": 9, "decimal_places": 6}  # rates and shares: fractions, 6 places
MONEY: _DecimalShape = {"max_digits": 20, "decimal_places": 4}  # amounts in the model's currency
QUANTITY: _DecimalShape = {"max_digits": 20, "decimal_places": 6}
# Units offered on the pages; a line may name any other unit.
SUGGESTED_UNITS = ("user", "device", "server", "transaction", "month", "GB", "licence", "lump sum")


class CostModelStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted for approval")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned with comments")


# A model can be edited only in these states; approved (and submitted) models are frozen.
EDITABLE_STATUSES = frozenset({CostModelStatus.DRAFT, CostModelStatus.RETURNED})


class Basis(models.TextChoices):
    REAL = "real", _("Real (constant prices)")
    NOMINAL = "nominal", _("Nominal (escalated prices)")


class DecisionKind(models.TextChoices):
    SUBMIT = "submit", _("Submitted")
    APPROVE = "approve", _("Approved")
    RETURN = "return", _("Returned")
    NEW_VERSION = "new_version", _("New version made")


class OptionKind(models.TextChoices):
    IN_HOUSE = "in_house", _("In-house (public sector comparator)")
    SERVICE_HIRE = "service_hire", _("Service hire")
    PPP = "ppp", _("Public-private partnership")


class LineKind(models.TextChoices):
    CAPEX = "capex", _("Investment (capex)")
    OPEX = "opex", _("Operating (opex)")
    REVENUE = "revenue", _("Revenue")


class Category(models.TextChoices):
    """The cost line categories of the calculation engine (costing.calculations.ALL_CATEGORIES).

    project_management and contingency are derived (computed from the rule book), never typed.
    """

    INSTALLATION = "installation", _("Installation (G_XL)")
    EQUIPMENT_HARDWARE = "equipment_hardware", _("Equipment: hardware")
    EQUIPMENT_SOFTWARE = "equipment_software", _("Equipment: software")
    EQUIPMENT_DATA = "equipment_data", _("Equipment: databases and data entry")
    EQUIPMENT_INSTALLATION_TESTING = (
        "equipment_installation_testing",
        _("Equipment: installation and testing"),
    )
    EQUIPMENT_TRAINING = "equipment_training", _("Equipment: training")
    EQUIPMENT_SUPPORT = "equipment_support", _("Equipment: pre-acceptance support")
    PROJECT_MANAGEMENT = "project_management", _("Project management (derived)")
    CONSULTING = "consulting", _("Investment consulting")
    OTHER_INVESTMENT = "other_investment", _("Other investment costs")
    CONTINGENCY = "contingency", _("Contingency (derived)")
    HOSTING_CLOUD = "hosting_cloud", _("Hosting and cloud")
    LICENCES_SUBSCRIPTIONS = "licences_subscriptions", _("Licences and subscriptions")
    MAINTENANCE_SUPPORT = "maintenance_support", _("Maintenance and support")
    OPERATIONS_STAFF = "operations_staff", _("Operations staff")
    TELECOMS = "telecoms", _("Telecoms")
    SECURITY_AUDITS = "security_audits", _("Security audits")
    TRAINING = "training", _("Training")
    DATA_SERVICES = "data_services", _("Data services")
    OTHER_OPERATING = "other_operating", _("Other operating costs")
    REVENUE = "revenue", _("Revenue")


DERIVED_CATEGORIES = frozenset({Category.PROJECT_MANAGEMENT, Category.CONTINGENCY})


class Distribution(models.TextChoices):
    TRIANGULAR = "triangular", _("Triangular")
    PERT = "pert", _("PERT")


class ReceiptKind(models.TextChoices):
    RESULTS = "results", _("Results")
    SIMULATION = "simulation", _("Monte Carlo simulation")


def _rate_between(field: str, low: int, high: int, *, nullable: bool = False) -> Q:
    condition = Q(**{f"{field}__gte": low, f"{field}__lte": high})
    return Q(**{f"{field}__isnull": True}) | condition if nullable else condition


class CostModel(models.Model):
    """One version of an agency's lifecycle cost model.

    Versions of one model share `lineage` (the first version; null on the first version itself).
    `pm_norm_rate`, `contingency_quantity_rate` and `price_index` override the rule book; None means
    "the rule set valid on 1 January of base_year" (its legal basis is shown with the results).
    `content_hash` is the SHA-256 of the canonical content, set when the version is approved.
    """

    organisation = models.ForeignKey(
        "ppp.Organisation",
        on_delete=models.PROTECT,
        related_name="cost_models",
        limit_choices_to={"kind": "agency"},
        verbose_name=_("agency"),
    )
    name = models.CharField(_("name"), max_length=255)
    purpose = models.TextField(_("purpose"), blank=True)
    currency = models.CharField(_("currency"), max_length=3, default="VND")
    base_year = models.PositiveSmallIntegerField(_("base year"))
    horizon = models.PositiveSmallIntegerField(_("horizon (years)"))
    basis = models.CharField(_("basis"), max_length=10, choices=Basis.choices, default=Basis.REAL)
    discount_rate = models.DecimalField(_("discount rate"), **RATE)
    discount_rate_basis = models.CharField(_("basis of the discount rate"), max_length=500, blank=True)
    vat_rate = models.DecimalField(_("VAT rate"), **RATE)
    general_escalation = models.DecimalField(_("general escalation"), **RATE, default=0)
    pm_norm_rate = models.DecimalField(_("project management norm"), **RATE, null=True, blank=True)
    contingency_quantity_rate = models.DecimalField(
        _("quantity contingency rate"), **RATE, null=True, blank=True
    )
    price_index = models.DecimalField(_("average price index change"), **RATE, null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=CostModelStatus.choices, default=CostModelStatus.DRAFT
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    lineage = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="later_versions"
    )
    previous_version = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="next_versions"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # Everyone who edited this version: none of them may approve it (maker-checker).
    editors = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+", blank=True)
    # Set by the first submission: from then on the reviewing body's approvers can see the version.
    first_submitted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    content_hash = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-updated_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(horizon__gte=HORIZON_MIN, horizon__lte=HORIZON_MAX), name="cost_model_horizon"
            ),
            models.CheckConstraint(
                condition=Q(base_year__gte=1900, base_year__lte=2200), name="cost_model_base_year"
            ),
            models.CheckConstraint(
                condition=_rate_between("discount_rate", 0, 1), name="cost_model_discount_rate"
            ),
            models.CheckConstraint(condition=_rate_between("vat_rate", 0, 1), name="cost_model_vat_rate"),
            models.CheckConstraint(
                condition=Q(general_escalation__gt=-1, general_escalation__lte=1),
                name="cost_model_general_escalation",
            ),
            models.CheckConstraint(
                condition=_rate_between("pm_norm_rate", 0, 1, nullable=True), name="cost_model_pm_norm_rate"
            ),
            models.CheckConstraint(
                condition=_rate_between("contingency_quantity_rate", 0, 1, nullable=True),
                name="cost_model_contingency_rate",
            ),
            models.CheckConstraint(
                condition=_rate_between("price_index", 0, 1, nullable=True), name="cost_model_price_index"
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="cost_model_version_positive"),
            models.CheckConstraint(condition=Q(basis__in=Basis.values), name="cost_model_basis"),
            models.CheckConstraint(condition=Q(status__in=CostModelStatus.values), name="cost_model_status"),
            models.UniqueConstraint(fields=["lineage", "version"], name="cost_model_unique_version"),
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"

    @property
    def last_year(self) -> int:
        return self.base_year + self.horizon - 1

    @property
    def years(self) -> list[int]:
        return list(range(self.base_year, self.base_year + self.horizon))

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES

    @property
    def lineage_root_id(self) -> int:
        """The id of the first version of this model (its own id for the first version)."""
        return self.lineage_id or self.pk


class CostModelDecision(models.Model):
    """One workflow event of a cost model version: who, in which role, what, when, with which note."""

    model = models.ForeignKey(CostModel, on_delete=models.CASCADE, related_name="decisions")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("role"), max_length=20)
    decision = models.CharField(_("decision"), max_length=20, choices=DecisionKind.choices)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.model} {self.decision} by {self.actor}"


class Option(models.Model):
    """A delivery option of a cost model. The in-house option is the public sector comparator (PSC);
    only it carries a competitive-neutrality adjustment (a present value in the model's currency)."""

    model = models.ForeignKey(CostModel, on_delete=models.CASCADE, related_name="options")
    kind = models.CharField(_("kind"), max_length=20, choices=OptionKind.choices)
    name = models.CharField(_("name"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    competitive_neutrality = models.DecimalField(_("competitive neutrality (PV)"), **MONEY, default=0)
    competitive_neutrality_note = models.TextField(_("competitive neutrality note"), blank=True)
    # Share (0..1) of the rule book's optimism-bias upper bound that evidence of mitigation removes.
    optimism_bias_mitigation = models.DecimalField(_("optimism bias mitigated"), **RATE, default=0)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["model"], condition=Q(kind="in_house"), name="option_one_in_house_per_model"
            ),
            models.UniqueConstraint(fields=["model", "name"], name="option_unique_name"),
            models.CheckConstraint(condition=Q(kind__in=OptionKind.values), name="option_kind"),
            models.CheckConstraint(
                condition=_rate_between("optimism_bias_mitigation", 0, 1), name="option_optimism_mitigation"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_psc(self) -> bool:
        return self.kind == OptionKind.IN_HOUSE


class CostLine(models.Model):
    """One cost (or revenue) line of an option.

    `quantities` holds one decimal string per period of the horizon. When the generator fields are
    set (start_year, end_year, starting_quantity, growth_rate), the quantities were generated from
    them (q = q0 x (1 + growth)^k from start_year to end_year, zero elsewhere) and are regenerated
    when the horizon changes. `escalation_rate` None means the model's general escalation;
    `refresh_cycle_years` (capex only) repeats the first N years' purchases every N years.
    """

    option = models.ForeignKey(Option, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveIntegerField(default=0)
    code = models.CharField(_("code"), max_length=30)
    name = models.CharField(_("name"), max_length=255)
    category = models.CharField(_("category"), max_length=40, choices=Category.choices)
    kind = models.CharField(_("kind"), max_length=10, choices=LineKind.choices)
    unit = models.CharField(_("unit"), max_length=40)
    unit_cost = models.DecimalField(_("unit cost"), **MONEY)
    quantities = models.JSONField(_("quantity per year"), default=list)
    start_year = models.PositiveSmallIntegerField(_("start year"), null=True, blank=True)
    end_year = models.PositiveSmallIntegerField(_("end year"), null=True, blank=True)
    starting_quantity = models.DecimalField(_("starting quantity"), **QUANTITY, null=True, blank=True)
    growth_rate = models.DecimalField(_("growth rate"), **RATE, null=True, blank=True)
    escalation_rate = models.DecimalField(_("escalation rate"), **RATE, null=True, blank=True)
    refresh_cycle_years = models.PositiveSmallIntegerField(_("refresh cycle (years)"), null=True, blank=True)
    vat_applicable = models.BooleanField(_("VAT applicable"), default=True)
    assumption = models.TextField(_("assumption"), blank=True)
    source = models.TextField(_("source"), blank=True)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["option", "code"], name="cost_line_unique_code"),
            models.CheckConstraint(condition=Q(unit_cost__gte=0), name="cost_line_unit_cost_not_negative"),
            models.CheckConstraint(
                condition=_rate_between("escalation_rate", -1, 1, nullable=True), name="cost_line_escalation"
            ),
            models.CheckConstraint(
                condition=_rate_between("growth_rate", -1, 1, nullable=True), name="cost_line_growth"
            ),
            models.CheckConstraint(
                condition=Q(starting_quantity__isnull=True) | Q(starting_quantity__gte=0),
                name="cost_line_starting_quantity",
            ),
            models.CheckConstraint(
                condition=Q(refresh_cycle_years__isnull=True) | Q(refresh_cycle_years__gte=1),
                name="cost_line_refresh_cycle",
            ),
            models.CheckConstraint(
                condition=Q(start_year__isnull=True)
                | Q(end_year__isnull=True)
                | Q(end_year__gte=F("start_year")),
                name="cost_line_year_order",
            ),
            models.CheckConstraint(condition=Q(kind__in=LineKind.values), name="cost_line_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def is_generated(self) -> bool:
        return self.start_year is not None


class Risk(models.Model):
    """A risk of an option: probability, a three-point impact in money (triangular or PERT), the
    calendar years in which it may occur, and the share (0..1) the public sector retains (the rest
    is transferred to the private partner; 0 < share < 1 is a shared risk)."""

    option = models.ForeignKey(Option, on_delete=models.CASCADE, related_name="risks")
    position = models.PositiveIntegerField(default=0)
    code = models.CharField(_("code"), max_length=30)
    name = models.CharField(_("name"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    probability = models.DecimalField(_("probability"), **RATE)
    minimum = models.DecimalField(_("minimum impact"), **MONEY)
    most_likely = models.DecimalField(_("most likely impact"), **MONEY)
    maximum = models.DecimalField(_("maximum impact"), **MONEY)
    distribution = models.CharField(
        _("distribution"), max_length=20, choices=Distribution.choices, default=Distribution.TRIANGULAR
    )
    first_year = models.PositiveSmallIntegerField(_("first year"))
    last_year = models.PositiveSmallIntegerField(_("last year"))
    public_share = models.DecimalField(_("public share"), **RATE)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["option", "code"], name="risk_unique_code"),
            models.CheckConstraint(condition=_rate_between("probability", 0, 1), name="risk_probability"),
            models.CheckConstraint(condition=_rate_between("public_share", 0, 1), name="risk_public_share"),
            models.CheckConstraint(
                condition=Q(minimum__gte=0, most_likely__gte=F("minimum"), maximum__gte=F("most_likely")),
                name="risk_three_points_ordered",
            ),
            models.CheckConstraint(condition=Q(last_year__gte=F("first_year")), name="risk_year_order"),
            models.CheckConstraint(
                condition=Q(distribution__in=Distribution.values), name="risk_distribution"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def allocation(self) -> str:
        """public, private or shared."""
        if self.public_share == 1:
            return "public"
        if self.public_share == 0:
            return "private"
        return "shared"


class Scenario(models.Model):
    """A named set of assumption overrides (see costing.calculations.apply_overrides for the keys),
    stored as {key: decimal string or null}."""

    model = models.ForeignKey(CostModel, on_delete=models.CASCADE, related_name="scenarios")
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    overrides = models.JSONField(_("overrides"), default=dict)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "pk"]
        constraints = [models.UniqueConstraint(fields=["model", "name"], name="scenario_unique_name")]

    def __str__(self) -> str:
        return self.name


class CalculationReceipt(models.Model):
    """A stored calculation: the canonical snapshot of its inputs, their hash, the engine version
    and the results (money as strings). Recomputing the hash of `inputs` gives `input_hash`."""

    model = models.ForeignKey(CostModel, on_delete=models.PROTECT, related_name="receipts")
    scenario = models.ForeignKey(
        Scenario, on_delete=models.SET_NULL, null=True, blank=True, related_name="receipts"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ReceiptKind.choices)
    input_hash = models.CharField(max_length=64, db_index=True)
    engine_version = models.CharField(max_length=50)
    inputs = models.JSONField()
    results = models.JSONField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["model", "kind", "-created_at"], name="receipt_latest_idx")]

    def __str__(self) -> str:
        return f"{self.kind} of {self.model} ({self.input_hash[:12]})"
