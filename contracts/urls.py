"""Pages of tendering and contracts, under /contracts/ (namespace "contracts").

agency/: the agency's tender workspace, the reviewers' decisions, the evaluators' scoring sheet, and
the pages every participant shares (tender list and detail, clarifications, opening record, award).
vendor/: a vendor's own bid, from the first price to the receipt. contract/: the contract from its
draft to its end, its editors, its amendments and the diff between its versions.
"""

from django.urls import path

from contracts.views import agency, contract, vendor

app_name = "contracts"

urlpatterns = [
    path("tenders/", agency.tender_list, name="tender_list"),
    path("tenders/new/", agency.tender_create, name="tender_create"),
    path("tenders/<int:pk>/", agency.tender_detail, name="tender_detail"),
    path("tenders/<int:pk>/edit/", agency.tender_edit, name="tender_edit"),
    path("tenders/<int:pk>/criteria/new/", agency.criterion_create, name="criterion_create"),
    path(
        "tenders/<int:pk>/criteria/<int:criterion_id>/delete/",
        agency.criterion_delete,
        name="criterion_delete",
    ),
    path("tenders/<int:pk>/submit/", agency.tender_submit, name="tender_submit"),
    path("tenders/<int:pk>/approve/", agency.tender_approve, name="tender_approve"),
    path("tenders/<int:pk>/return/", agency.tender_return, name="tender_return"),
    path("tenders/<int:pk>/publish/", agency.tender_publish, name="tender_publish"),
    path("tenders/<int:pk>/amend/", agency.tender_amend, name="tender_amend"),
    path("tenders/<int:pk>/amendments/", agency.amendments, name="amendments"),
    path("tenders/<int:pk>/clarifications/", agency.clarifications, name="clarifications"),
    path(
        "tenders/<int:pk>/clarifications/<int:clarification_id>/answer/",
        agency.clarification_answer,
        name="clarification_answer",
    ),
    path("tenders/<int:pk>/open/", agency.tender_open, name="tender_open"),
    path("tenders/<int:pk>/opening/", agency.opening, name="opening"),
    path("tenders/<int:pk>/bids/", agency.bid_list, name="bid_list"),
    path("tenders/<int:pk>/bids/<int:bid_id>/", agency.bid_detail, name="bid_detail"),
    path("tenders/<int:pk>/bids/<int:bid_id>/history/", agency.bid_history, name="agency_bid_history"),
    path("tenders/<int:pk>/comparison/", agency.comparison, name="comparison"),
    path("tenders/<int:pk>/evaluation/", agency.evaluation, name="evaluation"),
    path("tenders/<int:pk>/evaluation/declare/", agency.evaluation_declare, name="evaluation_declare"),
    path("tenders/<int:pk>/evaluation/scores/", agency.evaluation_scores, name="evaluation_scores"),
    path("tenders/<int:pk>/evaluation/compute/", agency.evaluation_compute, name="evaluation_compute"),
    path("tenders/<int:pk>/results/", agency.results, name="results"),
    path("tenders/<int:pk>/award/", agency.award, name="award"),
    path("tenders/<int:pk>/awards/<int:award_id>/approve/", agency.award_approve, name="award_approve"),
    path("tenders/<int:pk>/awards/<int:award_id>/reject/", agency.award_reject, name="award_reject"),
    path("tenders/<int:pk>/awards/<int:award_id>/cancel/", agency.award_cancel, name="award_cancel"),
    path("tenders/<int:pk>/history/", agency.history, name="history"),
    path("tenders/<int:pk>/ask/", vendor.clarification_ask, name="clarification_ask"),
    path("tenders/<int:pk>/bid/", vendor.my_bid, name="my_bid"),
    path("bids/<int:bid_id>/", vendor.bid_edit, name="bid_edit"),
    path("bids/<int:bid_id>/prices/", vendor.bid_prices, name="bid_prices"),
    path("bids/<int:bid_id>/prices.xlsx", vendor.bid_price_form, name="bid_price_form"),
    path("bids/<int:bid_id>/prices/upload/", vendor.bid_prices_upload, name="bid_prices_upload"),
    path("bids/<int:bid_id>/answers/", vendor.bid_answers, name="bid_answers"),
    path("bids/<int:bid_id>/attachments/", vendor.bid_attachments, name="bid_attachments"),
    path("bids/<int:bid_id>/submit/", vendor.bid_submit, name="bid_submit"),
    path("bids/<int:bid_id>/withdraw/", vendor.bid_withdraw, name="bid_withdraw"),
    path("bids/<int:bid_id>/receipt/", vendor.bid_receipt, name="bid_receipt"),
    path("bids/<int:bid_id>/history/", vendor.bid_history, name="bid_history"),
    path("bids/<int:bid_id>/correction/", vendor.bid_correction, name="bid_correction"),
    path("contracts/", contract.contract_list, name="contract_list"),
    path("contracts/<int:pk>/", contract.contract_detail, name="contract_detail"),
    path("contracts/<int:pk>/edit/", contract.contract_edit, name="contract_edit"),
    path("contracts/<int:pk>/mechanisms/", contract.contract_mechanisms, name="contract_mechanisms"),
    path(
        "contracts/<int:pk>/service-levels/",
        contract.contract_service_levels,
        name="contract_service_levels",
    ),
    path("contracts/<int:pk>/milestones/", contract.contract_milestones, name="contract_milestones"),
    path("contracts/<int:pk>/plan/", contract.contract_plan, name="contract_plan"),
    path("contracts/<int:pk>/submit/", contract.contract_submit, name="contract_submit"),
    path("contracts/<int:pk>/decide/", contract.contract_decide, name="contract_decide"),
    path("contracts/<int:pk>/sign/", contract.contract_sign, name="contract_sign"),
    path("contracts/<int:pk>/end/", contract.contract_end, name="contract_end"),
    path("contracts/<int:pk>/history/", contract.contract_history, name="contract_history"),
    path("contracts/<int:pk>/versions/", contract.versions, name="contract_versions"),
    path("contracts/<int:pk>/amendments/", contract.amendment_list, name="amendment_list"),
    path("contracts/<int:pk>/amendments/new/", contract.amendment_create, name="amendment_create"),
    path(
        "contracts/<int:pk>/amendments/<int:number>/",
        contract.amendment_detail,
        name="amendment_detail",
    ),
    path(
        "contracts/<int:pk>/amendments/<int:number>/edit/",
        contract.amendment_edit,
        name="amendment_edit",
    ),
    path(
        "contracts/<int:pk>/amendments/<int:number>/submit/",
        contract.amendment_submit,
        name="amendment_submit",
    ),
    path(
        "contracts/<int:pk>/amendments/<int:number>/decide/",
        contract.amendment_decide,
        name="amendment_decide",
    ),
    path(
        "contracts/<int:pk>/amendments/<int:number>/sign/",
        contract.amendment_sign,
        name="amendment_sign",
    ),
    path(
        "contracts/<int:pk>/amendments/<int:number>/withdraw/",
        contract.amendment_withdraw,
        name="amendment_withdraw",
    ),
    path("tenders/<int:pk>/comparison.xlsx", agency.comparison_export, name="comparison_export"),
    path("tenders/<int:pk>/evaluation.xlsx", agency.evaluation_export, name="evaluation_export"),
    path("tenders/<int:pk>/schedule.xlsx", agency.schedule_export, name="schedule_export"),
]
