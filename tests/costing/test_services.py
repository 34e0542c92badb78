"""Costing services: workflow and maker-checker, validation that names the field and writes nothing,
the grid, horizon changes, versions, receipts, simulation and workbook import."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from costing import selectors, services
from costing.models import CostLine, CostModel, CostModelDecision, CostModelStatus, ReceiptKind
from costing.services import LineData, RiskData
from ppp.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from ppp.models import AuditEntry, Notification, OrganisationKind, Role
from tests.factories import OrganisationFactory, member
from tests.roles import assert_nothing_written

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def world():
    reviewing_body = OrganisationFactory(kind=OrganisationKind.REVIEWING_BODY)
    agency = OrganisationFactory(kind=OrganisationKind.AGENCY, reviewing_body=reviewing_body)
    other_agency = OrganisationFactory(kind=OrganisationKind.AGENCY, reviewing_body=reviewing_body)
    return {
        "agency": agency,
        "reviewing_body": reviewing_body,
        "finance": member(Role.FINANCE_OFFICER, agency),
        "finance2": member(Role.FINANCE_OFFICER, agency),
        "evaluator": member(Role.EVALUATOR, agency),
        "approver": member(Role.APPROVER, reviewing_body),
        "approver2": member(Role.APPROVER, reviewing_body),
        "outsider": member(Role.FINANCE_OFFICER, other_agency),
        "vendor": member(Role.BID_PREPARER),
    }


def new_model(world, **fields):
    values = {
        "name": "Cổng dịch vụ công tỉnh",
        "base_year": 2026,
        "horizon": 3,
        "discount_rate": "0.05",
        "vat_rate": "0.10",
    }
    values.update(fields)
    return services.cost_model_create(actor=world["finance"], organisation=world["agency"], **values)


def option_of(model, kind):
    return model.options.get(kind=kind)


def hardware(**changes):
    values = dict(
        code="HW",
        name="Máy chủ",
        category="equipment_hardware",
        unit="server",
        unit_cost="100000000",
        quantities=["10", "0", "0"],
    )
    values.update(changes)
    return LineData(**values)


def filled_model(world):
    model = new_model(world)
    services.line_create(actor=world["finance"], option=option_of(model, "in_house"), data=hardware())
    services.line_create(
        actor=world["finance"],
        option=option_of(model, "in_house"),
        data=LineData(
            code="OPS", name="Vận hành", category="operations_staff", unit="person-year",
            unit_cost="200000000",
            start_year=2026, end_year=2028, starting_quantity="2", growth_rate="0", vat_applicable=False,
        ),
    )  # fmt: skip
    services.line_create(
        actor=world["finance"],
        option=option_of(model, "service_hire"),
        data=LineData(
            code="FEE",
            name="Phí dịch vụ",
            category="hosting_cloud",
            unit="year",
            unit_cost="800000000",
            quantities=["1", "1", "1"],
        ),
    )
    return CostModel.objects.get(pk=model.pk)


# Creation and access.


def test_a_finance_officer_creates_a_draft_with_the_three_options_and_an_audit_entry(world):
    model = new_model(world)
    assert model.status == CostModelStatus.DRAFT and model.version == 1
    assert sorted(model.options.values_list("kind", flat=True)) == ["in_house", "ppp", "service_hire"]
    assert list(model.editors.all()) == [world["finance"]]
    entry = AuditEntry.objects.get(action="cost_model.created", object_id=str(model.pk))
    assert entry.actor == world["finance"] and entry.after["discount_rate"] == "0.05"


@pytest.mark.parametrize("who", ["evaluator", "approver", "outsider", "vendor"])
def test_nobody_but_the_agencys_finance_officer_creates_its_models(world, who):
    with assert_nothing_written(), pytest.raises(PermissionDenied):
        services.cost_model_create(
            actor=world[who],
            organisation=world["agency"],
            name="x",
            base_year=2026,
            horizon=3,
            discount_rate="0.05",
            vat_rate="0.1",
        )


def test_visibility_agency_sees_drafts_reviewers_only_after_submission_others_never(world):
    model = filled_model(world)
    assert selectors.cost_model_get_for(user=world["evaluator"], pk=model.pk) == model
    for who in ("approver", "outsider", "vendor"):
        with pytest.raises(NotFound):
            selectors.cost_model_get_for(user=world[who], pk=model.pk)
        assert not selectors.cost_model_list_for(user=world[who]).filter(pk=model.pk).exists()
    services.cost_model_submit(actor=world["finance"], model=model)
    assert selectors.cost_model_get_for(user=world["approver"], pk=model.pk).pk == model.pk
    assert list(selectors.awaiting_decision_for(user=world["approver"])) == [model]
    for who in ("outsider", "vendor"):
        with pytest.raises(NotFound):
            selectors.cost_model_get_for(user=world[who], pk=model.pk)


# Bad input: a 400 naming the field, nothing written.


BAD_MODEL_FIELDS = [
    ("horizon zero", {"horizon": 0}, "horizon"),
    ("horizon 31", {"horizon": 31}, "horizon"),
    ("escalation above 100%", {"general_escalation": "1.5"}, "general_escalation"),
    ("NaN rate", {"discount_rate": "NaN"}, "discount_rate"),
    ("infinite rate", {"discount_rate": "Infinity"}, "discount_rate"),
    ("text rate", {"vat_rate": "ten percent"}, "vat_rate"),
    ("float rate", {"vat_rate": 0.1}, "vat_rate"),
    ("negative rate", {"discount_rate": "-0.01"}, "discount_rate"),
    ("unknown currency", {"currency": "XXX"}, "currency"),
    ("base year out of range", {"base_year": 3000}, "base_year"),
    ("empty name", {"name": "  "}, "name"),
    ("long name", {"name": "x" * 256}, "name"),
    ("unknown basis", {"basis": "mixed"}, "basis"),
]


@pytest.mark.parametrize(("label", "change", "field"), BAD_MODEL_FIELDS, ids=[c[0] for c in BAD_MODEL_FIELDS])
def test_bad_model_fields_are_named_and_nothing_is_written(world, label, change, field):
    values = {
        "name": "Mô hình",
        "base_year": 2026,
        "horizon": 3,
        "discount_rate": "0.05",
        "vat_rate": "0.1",
        **change,
    }
    with assert_nothing_written(), pytest.raises(ValidationFailed) as error:
        services.cost_model_create(actor=world["finance"], organisation=world["agency"], **values)
    assert field in error.value.fields, error.value.fields


BAD_LINES = [
    ("negative unit cost", {"unit_cost": "-1"}, "unit_cost"),
    ("NaN unit cost", {"unit_cost": "NaN"}, "unit_cost"),
    ("text unit cost", {"unit_cost": "một trăm"}, "unit_cost"),
    ("too many decimals", {"unit_cost": "1.00001"}, "unit_cost"),
    ("negative quantity", {"quantities": ["10", "-1", "0"]}, "quantities[1]"),
    ("infinite quantity", {"quantities": ["Infinity", "0", "0"]}, "quantities[0]"),
    ("text quantity", {"quantities": ["10", "abc", "0"]}, "quantities[1]"),
    ("too few years", {"quantities": ["10", "0"]}, "quantities"),
    ("escalation 150%", {"escalation_rate": "1.5"}, "escalation_rate"),
    (
        "generated before the horizon",
        {"quantities": None, "start_year": 2025, "end_year": 2027, "starting_quantity": "1"},
        "start_year",
    ),
    (
        "generated after the horizon",
        {"quantities": None, "start_year": 2026, "end_year": 2030, "starting_quantity": "1"},
        "end_year",
    ),
    (
        "end before start",
        {"quantities": None, "start_year": 2027, "end_year": 2026, "starting_quantity": "1"},
        "end_year",
    ),
    ("currency mismatch", {"currency": "USD"}, "currency"),
    ("derived category typed", {"category": "contingency"}, "category"),
    ("unknown category", {"category": "snacks"}, "category"),
    ("kind contradicts category", {"kind": "opex"}, "kind"),
    ("reserved code", {"code": "PM"}, "code"),
    ("refresh on opex", {"category": "hosting_cloud", "refresh_cycle_years": 2}, "refresh_cycle_years"),
    ("refresh longer than horizon", {"refresh_cycle_years": 4}, "refresh_cycle_years"),
    ("vat not a boolean", {"vat_applicable": "maybe"}, "vat_applicable"),
    ("NUL in name", {"name": "a\x00b"}, "name"),
]


@pytest.mark.parametrize(("label", "change", "field"), BAD_LINES, ids=[c[0] for c in BAD_LINES])
def test_bad_lines_are_named_and_nothing_is_written(world, label, change, field):
    model = new_model(world)
    option = option_of(model, "in_house")
    with assert_nothing_written(model), pytest.raises(ValidationFailed) as error:
        services.line_create(actor=world["finance"], option=option, data=hardware(**change))
    assert field in error.value.fields, error.value.fields


def test_every_bad_field_of_a_line_is_reported_at_once(world):
    model = new_model(world)
    with pytest.raises(ValidationFailed) as error:
        services.line_create(
            actor=world["finance"],
            option=option_of(model, "in_house"),
            data=hardware(code="", unit_cost="-5", escalation_rate="2", quantities=["1", "x", "1"]),
        )
    assert {"code", "unit_cost", "escalation_rate", "quantities[1]"} <= set(error.value.fields)


def test_a_duplicate_code_in_an_option_is_refused(world):
    model = new_model(world)
    option = option_of(model, "in_house")
    services.line_create(actor=world["finance"], option=option, data=hardware())
    with pytest.raises(ValidationFailed) as error:
        services.line_create(actor=world["finance"], option=option, data=hardware(name="again"))
    assert "code" in error.value.fields
    # the same code in another option is fine
    services.line_create(actor=world["finance"], option=option_of(model, "ppp"), data=hardware())


def test_a_generated_line_gets_its_quantities_from_start_end_and_growth(world):
    model = new_model(world, horizon=4)
    line = services.line_create(
        actor=world["finance"],
        option=option_of(model, "in_house"),
        data=LineData(
            code="USERS", name="Người dùng", category="licences_subscriptions", unit="user",
            unit_cost="120000",
            start_year=2027, end_year=2029, starting_quantity="1000", growth_rate="0.1",
        ),
    )  # fmt: skip
    assert line.quantities == ["0.000000", "1000.000000", "1100.000000", "1210.000000"]


# The grid.


def test_the_grid_creates_changes_swaps_codes_and_deletes_in_one_go(world):
    model = new_model(world)
    option = option_of(model, "in_house")
    a = services.line_create(actor=world["finance"], option=option, data=hardware(code="A"))
    b = services.line_create(actor=world["finance"], option=option, data=hardware(code="B", unit_cost="5"))
    c = services.line_create(actor=world["finance"], option=option, data=hardware(code="C"))
    saved = services.lines_save(
        actor=world["finance"],
        option=option,
        rows=[
            hardware(id=b.pk, code="A", unit_cost="5"),  # B takes A's code...
            hardware(id=a.pk, code="B", unit_cost="7"),  # ...and A takes B's
            hardware(id=c.pk, delete=True),
            hardware(code="NEW", unit_cost="9"),
        ],
    )
    lines = list(CostLine.objects.filter(option=option).order_by("position"))
    assert [(x.code, x.unit_cost) for x in lines] == [("A", D(5)), ("B", D(7)), ("NEW", D(9))]
    assert [x.pk for x in lines][:2] == [b.pk, a.pk] and len(saved) == 3
    assert AuditEntry.objects.filter(action="cost_model.lines_saved", object_id=str(model.pk)).count() == 1


def test_one_bad_cell_in_the_grid_saves_nothing_and_names_the_row_and_field(world):
    model = new_model(world)
    option = option_of(model, "in_house")
    first = services.line_create(actor=world["finance"], option=option, data=hardware(code="A"))
    with assert_nothing_written(first), pytest.raises(ValidationFailed) as error:
        services.lines_save(
            actor=world["finance"],
            option=option,
            rows=[
                hardware(id=first.pk, code="A", unit_cost="1"),
                hardware(code="B"),
                hardware(code="C", quantities=["1", "2", "-3"]),
                hardware(code="B"),
            ],
        )
    assert set(error.value.fields) == {"lines[2].quantities[2]", "lines[3].code"}


# Horizon and base year.


def test_a_longer_horizon_pads_typed_lines_and_regenerates_generated_ones(world):
    model = filled_model(world)
    model = services.cost_model_update(actor=world["finance"], model=model, horizon=5)
    hw = CostLine.objects.get(option__model=model, code="HW")
    ops = CostLine.objects.get(option__model=model, code="OPS")
    assert hw.quantities == ["10", "0", "0", "0", "0"] or [D(q) for q in hw.quantities] == [10, 0, 0, 0, 0]
    assert [D(q) for q in ops.quantities] == [2, 2, 2, 0, 0]


def test_a_shorter_horizon_that_would_drop_quantities_or_risks_is_refused_naming_them(world):
    model = filled_model(world)
    services.risk_create(
        actor=world["finance"],
        option=option_of(model, "in_house"),
        data=RiskData(
            code="R1",
            name="Chậm",
            probability="0.5",
            minimum="0",
            most_likely="1",
            maximum="2",
            first_year=2028,
            last_year=2028,
            public_share="1",
        ),
    )
    with assert_nothing_written(model), pytest.raises(ValidationFailed) as error:
        services.cost_model_update(actor=world["finance"], model=model, horizon=2)
    assert {"lines.FEE", "lines.OPS", "risks.R1"} <= set(error.value.fields)


def test_the_currency_cannot_change_once_there_are_amounts(world):
    model = filled_model(world)
    with pytest.raises(ValidationFailed) as error:
        services.cost_model_update(actor=world["finance"], model=model, currency="USD")
    assert "currency" in error.value.fields
    empty = new_model(world)
    assert services.cost_model_update(actor=world["finance"], model=empty, currency="USD").currency == "USD"


# Workflow and maker-checker.


def test_submit_approve_freezes_the_version_with_its_hash_decisions_audit_and_notifications(world):
    model = filled_model(world)
    services.cost_model_submit(actor=world["finance"], model=model, note="Xin phê duyệt")
    assert Notification.objects.filter(recipient=world["approver"], verb="cost_model.submitted").count() == 1
    approved = services.cost_model_approve(actor=world["approver"], model=model, note="Đồng ý")
    assert approved.status == CostModelStatus.APPROVED
    receipt = approved.receipts.get(kind=ReceiptKind.RESULTS)
    assert (
        approved.content_hash
        == receipt.input_hash
        == selectors.appraisal_for(user=world["finance"], model=approved).input_hash
    )
    decisions = list(
        CostModelDecision.objects.filter(model=model).values_list("decision", "actor", "role", "to_status")
    )
    assert decisions == [
        ("submit", world["finance"].pk, Role.FINANCE_OFFICER, "submitted"),
        ("approve", world["approver"].pk, Role.APPROVER, "approved"),
    ]
    actions = list(
        AuditEntry.objects.filter(object_id=str(model.pk), object_type="costing.costmodel").values_list(
            "action", flat=True
        )
    )
    assert actions[-3:] == ["cost_model.submit", "cost_model.receipt_stored", "cost_model.approve"]
    assert Notification.objects.filter(recipient=world["finance"], verb="cost_model.approved").exists()
    with assert_nothing_written(approved), pytest.raises(Conflict) as error:
        services.line_create(actor=world["finance"], option=option_of(approved, "ppp"), data=hardware())
    assert error.value.code == "cost_model.frozen"


def test_an_approver_who_edited_the_version_may_not_approve_it(world):
    # The same person is a finance officer of the agency and an approver of its reviewing body.
    both = member(Role.APPROVER, world["reviewing_body"])
    from tests.factories import MembershipFactory

    MembershipFactory(user=both, organisation=world["agency"], role=Role.FINANCE_OFFICER)
    model = filled_model(world)
    services.line_create(actor=both, option=option_of(model, "ppp"), data=hardware())
    services.cost_model_submit(actor=world["finance"], model=model)
    model.refresh_from_db()
    with assert_nothing_written(model), pytest.raises(PermissionDenied) as error:
        services.cost_model_approve(actor=both, model=model)
    assert error.value.code == "cost_model.own_work"
    assert model not in selectors.awaiting_decision_for(user=both)
    services.cost_model_approve(actor=world["approver"], model=model)


@pytest.mark.parametrize("who", ["finance", "finance2", "evaluator", "outsider", "vendor"])
def test_only_an_approver_of_the_reviewing_body_decides(world, who):
    model = filled_model(world)
    services.cost_model_submit(actor=world["finance"], model=model)
    model.refresh_from_db()
    with assert_nothing_written(model), pytest.raises(PermissionDenied):
        services.cost_model_approve(actor=world[who], model=model)


def test_return_needs_a_note_then_the_officer_edits_and_resubmits(world):
    model = filled_model(world)
    services.cost_model_submit(actor=world["finance"], model=model)
    with pytest.raises(ValidationFailed) as error:
        services.cost_model_return(actor=world["approver"], model=model, note="  ")
    assert "note" in error.value.fields
    returned = services.cost_model_return(actor=world["approver"], model=model, note="Thiếu chi phí bảo trì")
    assert returned.status == CostModelStatus.RETURNED
    services.line_create(
        actor=world["finance"],
        option=option_of(model, "in_house"),
        data=hardware(code="MAINT", category="maintenance_support", quantities=["0", "1", "1"]),
    )
    assert services.cost_model_submit(actor=world["finance"], model=model).status == CostModelStatus.SUBMITTED


def test_wrong_state_transitions_are_conflicts_and_write_nothing(world):
    model = filled_model(world)
    services.cost_model_submit(actor=world["finance"], model=model)
    services.cost_model_return(actor=world["approver"], model=model, note="Sửa lại")
    model.refresh_from_db()
    with assert_nothing_written(model), pytest.raises(Conflict):
        services.cost_model_approve(
            actor=world["approver"], model=model
        )  # a returned version cannot be approved
    services.cost_model_submit(actor=world["finance"], model=model)
    with pytest.raises(Conflict):
        services.cost_model_submit(actor=world["finance"], model=model)
    with pytest.raises(Conflict):
        services.cost_model_new_version(actor=world["finance"], model=model)


def test_an_empty_model_cannot_be_submitted(world):
    model = new_model(world)
    with assert_nothing_written(model), pytest.raises(ValidationFailed) as error:
        services.cost_model_submit(actor=world["finance"], model=model)
    assert error.value.code == "cost_model.incomplete"


def test_a_new_version_copies_everything_and_only_one_version_is_open_at_a_time(world):
    model = filled_model(world)
    services.scenario_create(
        actor=world["finance"], model=model, name="Cao", overrides={"quantity_factor": "1.2"}
    )
    services.cost_model_submit(actor=world["finance"], model=model)
    model = services.cost_model_approve(actor=world["approver"], model=model)
    v2 = services.cost_model_new_version(actor=world["finance2"], model=model)
    assert (v2.version, v2.status, v2.lineage_id, v2.previous_version_id) == (2, "draft", model.pk, model.pk)
    assert sorted(CostLine.objects.filter(option__model=v2).values_list("code", flat=True)) == [
        "FEE",
        "HW",
        "OPS",
    ]
    assert v2.scenarios.get().overrides == {"quantity_factor": "1.2"}
    assert selectors.appraisal_for(user=world["finance"], model=v2).input_hash == model.content_hash
    with pytest.raises(Conflict) as error:
        services.cost_model_new_version(actor=world["finance"], model=model)
    assert error.value.code == "cost_model.open_version_exists"
    assert [v.version for v in selectors.version_list_for(user=world["finance"], model=v2)] == [1, 2]


def test_only_an_unsubmitted_draft_can_be_deleted(world):
    model = filled_model(world)
    services.cost_model_submit(actor=world["finance"], model=model)
    with pytest.raises(Conflict):
        services.cost_model_delete(actor=world["finance"], model=model)
    draft = new_model(world)
    services.cost_model_delete(actor=world["finance"], model=draft)
    assert not CostModel.objects.filter(pk=draft.pk).exists()
    assert AuditEntry.objects.filter(action="cost_model.deleted", object_id=str(draft.pk)).exists()


# Scenarios, receipts, simulation.


def test_a_scenario_with_an_unknown_key_or_line_is_refused_naming_it(world):
    model = filled_model(world)
    with pytest.raises(ValidationFailed) as error:
        services.scenario_create(
            actor=world["finance"], model=model, name="x", overrides={"lines.NOPE.unit_cost": "1"}
        )
    assert "overrides.lines.NOPE.unit_cost" in error.value.fields
    with pytest.raises(ValidationFailed) as error:
        services.scenario_create(actor=world["finance"], model=model, name="x", overrides={"colour": "1"})
    assert "overrides.colour" in error.value.fields
    with pytest.raises(ValidationFailed) as error:
        services.scenario_create(
            actor=world["finance"], model=model, name="x", overrides={"discount_rate": 0.07}
        )
    assert "overrides.discount_rate" in error.value.fields


def test_a_receipt_recomputes_to_its_hash_and_tampering_shows(world):
    model = filled_model(world)
    receipt = services.receipt_store(actor=world["finance"], model=model)
    assert services.receipt_store(actor=world["finance"], model=model) == receipt  # same inputs, same receipt
    check = selectors.receipt_check(receipt=receipt)
    assert check == {"hash_matches": True, "results_match": True, "recomputed_hash": receipt.input_hash}
    receipt.inputs["snapshot"]["discount_rate"] = "0.06"
    tampered = selectors.receipt_check(receipt=receipt)
    assert not tampered["hash_matches"] and not tampered["results_match"]


def test_the_simulation_is_stored_once_per_inputs_and_seed(world):
    model = filled_model(world)
    first = services.simulation_run(actor=world["finance"], model=model, iterations=1000, seed=7)
    assert services.simulation_run(actor=world["finance"], model=model, iterations=1000, seed=7) == first
    other = services.simulation_run(actor=world["finance"], model=model, iterations=1000, seed=8)
    assert other != first
    assert selectors.receipt_check(receipt=first)["results_match"]
    with pytest.raises(ValidationFailed) as error:
        services.simulation_run(actor=world["finance"], model=model, iterations=10**7, seed=-1)
    assert set(error.value.fields) == {"iterations", "seed"}
    with pytest.raises(PermissionDenied):
        services.simulation_run(actor=world["outsider"], model=model)


# Workbooks.


def test_an_exported_workbook_imports_to_a_new_draft_with_the_same_figures(world):
    model = filled_model(world)
    data = selectors.cost_model_workbook(user=world["finance"], model=model)
    copy, report = services.cost_model_import(actor=world["finance"], organisation=world["agency"], data=data)
    assert report["skipped_derived_lines"] == ["in_house:PM", "in_house:CONT"]
    assert (report["options"], report["lines"]) == (3, 3)
    original = selectors.appraisal_for(user=world["finance"], model=model)
    imported = selectors.appraisal_for(user=world["finance"], model=copy)
    assert [o.npv for o in imported.options] == [o.npv for o in original.options]


def test_a_bad_workbook_imports_nothing(world):
    with assert_nothing_written(), pytest.raises(ValidationFailed) as error:
        services.cost_model_import(
            actor=world["finance"], organisation=world["agency"], data=b"not a workbook"
        )
    assert "file" in error.value.fields
    with translation.override("en"), pytest.raises(ValidationFailed) as error:
        services.check_upload(name="model.xlsx", size=6 * 1024 * 1024)
    assert error.value.fields == {"file": "over the size limit"}
    with pytest.raises(ValidationFailed):
        services.check_upload(name="model.csv", size=10)


# Reads stay cheap.


def test_the_snapshot_costs_the_same_queries_for_2_and_40_lines(world):
    small = filled_model(world)
    big = new_model(world)
    services.lines_save(
        actor=world["finance"],
        option=option_of(big, "in_house"),
        rows=[hardware(code=f"L{i}", unit_cost=str(1000 + i)) for i in range(40)],
    )
    counts = []
    for model in (small, big):
        with CaptureQueriesContext(connection) as queries:
            selectors.appraisal_for(user=world["finance"], model=model)
        counts.append(len(queries))
    assert counts[0] == counts[1]
