"""API operations of the settlements (a Router mounted beside revenue_share.api): a contract's
statements with the ledger's payments, outstanding amounts and running balance, computing a month's
draft statement, one statement with its lines, approving (locking) it, and recording and listing the
payments that settle it. Amounts travel as strings."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status

from ppp import money
from ppp.models import User
from ppp.schemas import ErrorOut
from revenue_share import settlement_selectors as selectors
from revenue_share.models import SettlementPayment, SettlementStatement
from revenue_share.services import payments as payment_services
from revenue_share.services import settlements as services

router = Router(tags=["revenue_share"])
ERRORS: dict[int, Any] = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


class BandConditionsIn(Schema):
    revenue_audited: bool
    cause_planning_policy_or_law_change: bool
    price_and_term_adjustments_exhausted: bool


class SettlementComputeIn(Schema):
    period: str  # "YYYY-MM"
    band_conditions: BandConditionsIn | None = None


class PaymentIn(Schema):
    amount: str  # positive, in the contract's currency; the direction is the statement's
    paid_on: str  # YYYY-MM-DD
    reference: str  # the bank transfer's reference, unique in the contract


class PaymentOut(Schema):
    id: int
    statement_id: int
    amount: str  # + paid by the state to the provider, − paid by the provider to the state
    paid_on: dt.date
    reference: str
    recorded_by: str
    recorded_at: dt.datetime

    @staticmethod
    def resolve_amount(obj: SettlementPayment) -> str:
        return money.plain_text(obj.amount)

    @staticmethod
    def resolve_recorded_by(obj: SettlementPayment) -> str:
        return obj.recorded_by.get_username()


class LineOut(Schema):
    key: str
    label: str
    amount: str
    payee: str
    rule: str
    inputs: dict[str, str]
    reference: str
    section: str


class StatementOut(Schema):
    id: int
    contract_id: int
    period: str
    version: int
    status: str
    currency: str
    net_revenue: str
    provider_share: str
    state_share: str
    adjustments: str
    net_payable_by_state: str
    inputs_hash: str
    computed_by: str
    computed_at: dt.datetime
    approved_by: str | None
    approved_at: dt.datetime | None

    @staticmethod
    def resolve_period(obj: SettlementStatement) -> str:
        return f"{obj.period:%Y-%m}"

    @staticmethod
    def resolve_net_revenue(obj: SettlementStatement) -> str:
        return money.plain_text(obj.net_revenue)

    @staticmethod
    def resolve_provider_share(obj: SettlementStatement) -> str:
        return money.plain_text(obj.provider_share)

    @staticmethod
    def resolve_state_share(obj: SettlementStatement) -> str:
        return money.plain_text(obj.state_share)

    @staticmethod
    def resolve_adjustments(obj: SettlementStatement) -> str:
        return money.plain_text(obj.adjustments)

    @staticmethod
    def resolve_net_payable_by_state(obj: SettlementStatement) -> str:
        return money.plain_text(obj.net_payable_by_state)

    @staticmethod
    def resolve_computed_by(obj: SettlementStatement) -> str:
        return obj.computed_by.get_username()

    @staticmethod
    def resolve_approved_by(obj: SettlementStatement) -> str | None:
        return obj.approved_by.get_username() if obj.approved_by else None


class LedgerStatementOut(StatementOut):
    paid: str  # the payments recorded on it
    outstanding: str | None  # net payable − paid, approved statements only
    running_balance: str | None  # after this statement and its payments, approved statements only

    @staticmethod
    def resolve_paid(obj: SettlementStatement) -> str:
        return money.plain_text(getattr(obj, "paid", Decimal(0)))

    @staticmethod
    def resolve_outstanding(obj: SettlementStatement) -> str | None:
        owed = getattr(obj, "outstanding", None)
        return None if owed is None else money.plain_text(owed)

    @staticmethod
    def resolve_running_balance(obj: SettlementStatement) -> str | None:
        balance = getattr(obj, "running_balance", None)
        return None if balance is None else money.plain_text(balance)


class StatementDetailOut(StatementOut):
    lines: list[LineOut]
    band: dict[str, Any] | None


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


@router.get(
    "/contracts/{contract_id}/settlements",
    response={200: list[LedgerStatementOut], **ERRORS},
    summary="A contract's settlement statements, oldest month first, with the ledger's running balance",
)
def settlement_list(request: HttpRequest, contract_id: int) -> list[SettlementStatement]:
    user = _user(request)
    contract = selectors.settlement_contract_get_for(user=user, pk=contract_id)
    statements = []
    for row in selectors.settlement_ledger_for(user=user, contract=contract):
        row.statement.paid = row.paid  # type: ignore[attr-defined]
        row.statement.outstanding = row.outstanding  # type: ignore[attr-defined]
        row.statement.running_balance = row.running_balance  # type: ignore[attr-defined]
        statements.append(row.statement)
    return statements


@router.post(
    "/contracts/{contract_id}/settlements",
    response={201: StatementDetailOut, **ERRORS},
    summary="Compute (or recompute) the draft statement of a month from the imported actuals",
    description="`period` is the month (YYYY-MM). In the month that closes a plan year of a contract "
    "with revenue band sharing, `band_conditions` states the conditions of the sharing. An approved "
    "month cannot be recomputed (409): its correction is carried into a later month.",
)
def settlement_compute(
    request: HttpRequest, contract_id: int, payload: SettlementComputeIn
) -> Status[SettlementStatement]:
    user = _user(request)
    contract = selectors.settlement_contract_get_for(user=user, pk=contract_id)
    statement = services.settlement_compute(
        actor=user,
        contract=contract,
        period=payload.period,
        band_conditions=payload.band_conditions.dict() if payload.band_conditions else None,
    )
    return Status(201, statement)


@router.get(
    "/settlements/{statement_id}",
    response={200: StatementDetailOut, **ERRORS},
    summary="One settlement statement with its lines (rule and inputs of each) and the band test",
)
def settlement_get(request: HttpRequest, statement_id: int) -> SettlementStatement:
    return selectors.settlement_get_for(user=_user(request), pk=statement_id)


@router.post(
    "/settlements/{statement_id}/approve",
    response={200: StatementDetailOut, **ERRORS},
    summary="Approve and lock a statement (a reviewer who did not compute it)",
)
def settlement_approve(request: HttpRequest, statement_id: int) -> SettlementStatement:
    user = _user(request)
    statement = selectors.settlement_get_for(user=user, pk=statement_id)
    return services.settlement_approve(actor=user, statement=statement)


@router.get(
    "/settlements/{statement_id}/payments",
    response={200: list[PaymentOut], **ERRORS},
    summary="The payments recorded on a statement, oldest first",
)
def payment_list(request: HttpRequest, statement_id: int) -> list[SettlementPayment]:
    user = _user(request)
    statement = selectors.settlement_get_for(user=user, pk=statement_id)
    return selectors.payment_list_for(user=user, statement=statement)


@router.post(
    "/settlements/{statement_id}/payments",
    response={201: PaymentOut, **ERRORS},
    summary="Record a payment of an approved statement (the agency's finance officers)",
    description="`amount` is positive and at most what is outstanding; it is stored signed as the "
    "statement's net amount is. `paid_on` is not before the approval nor in the future; a `reference` "
    "already recorded for the contract is refused (400), so a transfer is never counted twice.",
)
def payment_record(request: HttpRequest, statement_id: int, payload: PaymentIn) -> Status[SettlementPayment]:
    user = _user(request)
    statement = selectors.settlement_get_for(user=user, pk=statement_id)
    payment = payment_services.payment_record(
        actor=user,
        statement=statement,
        amount=payload.amount,
        paid_on=payload.paid_on,
        reference=payload.reference,
    )
    return Status(201, payment)
