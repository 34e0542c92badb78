"""Reads of the settlements. A contract's statements are read by exactly the people the contract
selector lets see the contract: the agency's people, its reviewing body's approvers, and the vendor's
people for their own contracts. Anybody else gets the same 404 as for a missing statement.

The ledger is derived here rather than stored: the statements in month order, each approved one
with what was paid on it (services/payments.py), what is still outstanding, and the running balance
of what the state owes the provider (+) or is owed (−) after it: Σ approved net amounts payable −
Σ payments. A draft is not settled yet and has no balance.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from contracts.models import Contract
from contracts.selectors import contract_get_for, contract_list_for
from ppp.errors import NotFound
from ppp.models import User
from revenue_share.models import SettlementPayment, SettlementStatement, SettlementStatus
from revenue_share.services.settlements import SETTLED_CONTRACT_STATUSES


def settlement_contract_get_for(*, user: User, pk: int) -> Contract:
    return contract_get_for(user=user, pk=pk)


def settlement_contract_list_for(*, user: User) -> QuerySet[Contract]:
    """The contracts in force (or ended) the person may see, each with `statements` in month order."""
    return (
        contract_list_for(user=user)
        .filter(status__in=SETTLED_CONTRACT_STATUSES)
        .prefetch_related(
            Prefetch(
                "settlement_statements",
                queryset=SettlementStatement.objects.order_by("period", "version"),
                to_attr="statements",
            )
        )
    )


def settlement_list_for(*, user: User, contract: Contract) -> QuerySet[SettlementStatement]:
    """The contract's statements, oldest month first, each with its payments (`contract` came from
    settlement_contract_get_for)."""
    return (
        SettlementStatement.objects.filter(contract=contract)
        .select_related("computed_by", "approved_by")
        .prefetch_related(_payments())
        .order_by("period", "version")
    )


def _payments() -> Prefetch[Any]:
    return Prefetch(
        "payments", queryset=SettlementPayment.objects.select_related("recorded_by").order_by("paid_on", "pk")
    )


def payment_list_for(*, user: User, statement: SettlementStatement) -> list[SettlementPayment]:
    """The payments of a statement the person may read (it came from settlement_get_for)."""
    return list(
        SettlementPayment.objects.filter(statement=statement)
        .select_related("recorded_by")
        .order_by("paid_on", "pk")
    )


def settlement_get_for(*, user: User, pk: int) -> SettlementStatement:
    visible = contract_list_for(user=user).values("pk")
    statement = (
        SettlementStatement.objects.select_related(
            "contract__tender", "contract__agency", "contract__vendor", "computed_by", "approved_by"
        )
        .filter(pk=pk, contract__in=visible)
        .first()
    )
    if statement is None:
        raise NotFound("settlement.not_found", _("Statement not found."))
    return statement


@dataclass(frozen=True)
class LedgerRow:
    """One statement with what was paid on it, what is outstanding and the running balance after it
    (approved statements only; None for a draft, which is not settled yet)."""

    statement: SettlementStatement
    amount: Decimal
    paid: Decimal
    outstanding: Decimal | None
    running_balance: Decimal | None


def outstanding_after(statement: SettlementStatement, payments: list[SettlementPayment]) -> Decimal | None:
    """What is still to be paid on an approved statement after `payments` (None for a draft)."""
    if statement.status != SettlementStatus.APPROVED:
        return None
    return statement.net_payable_by_state - sum((payment.amount for payment in payments), Decimal(0))


def settlement_ledger_for(*, user: User, contract: Contract) -> list[LedgerRow]:
    balance = Decimal(0)
    rows = []
    for statement in settlement_list_for(user=user, contract=contract):
        payments = list(statement.payments.all())
        paid = sum((payment.amount for payment in payments), Decimal(0))
        running: Decimal | None = None
        owed = outstanding_after(statement, payments)
        if owed is not None:
            balance += owed
            running = balance
        rows.append(
            LedgerRow(
                statement=statement,
                amount=statement.net_payable_by_state,
                paid=paid,
                outstanding=owed,
                running_balance=running,
            )
        )
    return rows
