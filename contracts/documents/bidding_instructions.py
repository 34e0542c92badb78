"""Chapter I of the bidding document: the instructions to bidders, the standard clauses of the template
with this tender's own figures written in (dates, days, rates, amounts, links) so that a bidder reads
one text and never has to cross-check a blank against the data sheet.

Sections: A general provisions (scope, eligibility, prohibited acts, one bid per bidder, costs);
B the bidding document (contents, clarification, amendment); C preparation of bids (language,
documents, prices, currency, validity, bid security, signature); D submission, sealing and opening;
E evaluation (confidentiality, clarification of bids, examination, correction of errors, prices,
preference, abnormally low bids); F award (criteria, notice, cancellation, contract, performance
security, complaints).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from ppp.documents.pdf import Document, money, percent

from .bidding_common import clauses, days, param, part, rate, title_of, when

Sections = list[tuple[str, list[tuple[str, list[str]]]]]


def _general(inputs: dict[str, Any]) -> list[tuple[str, list[str]]]:
    t = inputs["tender"]
    years = inputs["years"]
    span = f"{years[0]}–{years[-1]}" if years else "—"
    return [
        (_("Scope of the bidding"), [
            _("%(agency)s (the agency) invites bids for package %(reference)s “%(title)s”, a package of "
              "%(category)s, by %(scope)s open bidding.")
            % {"agency": t["agency"], "reference": inputs["reference"], "title": t["title"],
               "category": t["category"].lower(), "scope": t["scope"].lower()},
            _("The services are described in Part 2. They are priced item by item and year by year over "
              "%(span)s, for the quantities of the pricing schedule (%(items)s items).")
            % {"span": span, "items": len(inputs["items"])},
            _("The bidding runs on the agency's procurement system: the bidding document, its "
              "amendments and the answers to clarifications are published at %(link)s, and bids are "
              "submitted there.") % {"link": inputs["links"]["tender"]},
        ]),
        (_("Eligible bidders"), [
            _("A bidder is an organisation lawfully established and operating, with independent "
              "accounts, that is not being dissolved, is not bankrupt and has no overdue tax or social "
              "insurance debt. It must be registered and verified on the system before it submits."),
            _("A bidder must not be banned from bidding on the closing date, and must be legally and "
              "financially independent from the agency, from the consultants who prepared or appraise "
              "this bidding document or evaluate the bids, and from the other bidders, as the Law on "
              "Bidding defines it."),
            _("A joint venture may bid: its members sign an agreement (Form 03) naming the leading member "
              "and each member's share of the work; every member meets this clause, and the members are "
              "jointly and severally liable for the bid and the contract."),
        ]),
        (_("Prohibited acts"), [
            _("Bidders, their staff and their subcontractors must not offer, give or accept anything to "
              "influence the bidding; collude with other bidders; falsify information or documents; "
              "obstruct the bidding or its inspection; or seek or use confidential information about the "
              "package or the other bids."),
            _("A bidder found to have committed a prohibited act has its bid rejected and its bid "
              "security forfeited, and may be banned from bidding as the law provides; a contract "
              "obtained by such an act is terminated."),
        ]),
        (_("One bid per bidder"), [
            _("A bidder submits one bid only, alone or as a member of one joint venture. A bidder that "
              "takes part in more than one bid for this package has all of them rejected. Alternative "
              "offers are not considered."),
        ]),
        (_("Cost of bidding"), [
            _("The bidder bears every cost of preparing and submitting its bid. The agency owes nothing "
              "for it, whatever the outcome of the bidding."),
        ]),
    ]  # fmt: skip


def _bidding_document(inputs: dict[str, Any]) -> list[tuple[str, list[str]]]:
    t = inputs["tender"]
    notice = param(inputs, "bidding.preparation_time", "amendment_min_days_before_closing", 10)
    parts = ", ".join(title_of(key) for key in ("part1", "part2", "part3"))
    return [
        (_("Contents of the bidding document"), [
            _("The bidding document consists of %(parts)s, with their eight chapters, and of every "
              "amendment and answer to a clarification published before the closing.") % {"parts": parts},
            _("The bidder examines every instruction, form, term and requirement. A bid that does not "
              "answer the bidding document in substance is rejected."),
        ]),
        (_("Clarification of the bidding document"), [
            _("A bidder asks its questions on the tender's clarification page (%(link)s) no later than "
              "%(deadline)s.") % {"link": inputs["links"]["clarifications"],
                                  "deadline": when(t["clarification_deadline"])},
            _("The agency answers in writing and publishes every question with its answer to all "
              "bidders, without saying who asked. An answer that changes the bidding document is issued "
              "as an amendment."),
        ]),
        (_("Amendment of the bidding document"), [
            _("The agency may amend the bidding document before the closing. Every amendment is "
              "published on the system and notified to the bidders taking part, and becomes part of the "
              "bidding document."),
            _("An amendment published less than %(days)s before the closing moves the closing so that "
              "at least %(days)s remain to prepare the bids.") % {"days": days(notice)},
        ]),
    ]  # fmt: skip


def _preparation(inputs: dict[str, Any]) -> list[tuple[str, list[str]]]:
    t = inputs["tender"]
    extra = param(inputs, "bidding.bid_security", "validity_extra_days", 30)
    envelopes = [
        _("With two envelopes, the technical envelope holds every document except the prices, and the "
          "financial envelope holds the bid letter's price and the price forms; a price found in the "
          "technical envelope rejects the bid.")
    ] if t["envelopes"] == 2 else []  # fmt: skip
    language = (
        _("The bid and all correspondence are in English or in Vietnamese; a document in another language "
          "comes with a translation, which prevails.")
        if t["international"]
        else _("The bid and all correspondence are in Vietnamese; a document in another language comes "
               "with a Vietnamese translation, which prevails.")
    )  # fmt: skip
    return [
        (_("Language"), [language]),
        (_("Documents of the bid"), [
            _("The bid comprises: the bid letter (Form 01); the power of attorney where someone other "
              "than the legal representative signs (Form 02); the joint venture agreement, if any "
              "(Form 03); the bid security (Form 04); proof of eligibility (business registration and "
              "tax records); the response to each evaluation criterion with its proof (Form 05); similar "
              "contracts and financial capacity (Form 06); and the priced forms (Forms 07 and 08)."),
            *envelopes,
        ]),
        (_("Bid prices and discounts"), [
            _("The bidder prices every item of the pricing schedule for every year that has a quantity. "
              "A unit price covers everything needed to deliver the item: staff, equipment, software "
              "licences, hosting, support, management, insurance, risks, profit, and every tax and fee "
              "except VAT, which is stated separately, at %(vat)s, on the items subject to it.")
            % {"vat": rate(t["vat_rate"])},
            _("The quantities are the agency's and may not be changed. An item left unpriced is "
              "priced, for the comparison of bids, at the highest unit price of that item among the "
              "responsive bids."),
            _("A discount is stated in the bid letter as a percentage of the bid price and applies to "
              "every unit price in the same proportion; a discount stated elsewhere or under conditions "
              "is not considered."),
        ]),
        (_("Currency"), [
            _("Prices are stated and paid in %(currency)s.") % {"currency": t["currency"]},
        ]),
        (_("Bid validity"), [
            _("A bid is valid for %(days)s from the closing. Before it ends the agency may ask the "
              "bidders to extend it: a bidder that refuses is no longer considered and gets its bid "
              "security back; one that accepts extends its security and may not change its bid.")
            % {"days": days(t["bid_validity_days"])},
        ]),
        (_("Bid security"), [
            _("Each bid carries a bid security of %(amount)s (%(rate)s of the package price), as a bank "
              "guarantee (Form 04) or a bid security insurance, issued by a bank or insurer lawfully "
              "operating in Vietnam, valid for %(days)s from the closing (the bid validity plus %(extra)s).")
            % {"amount": money(t["bid_security"], t["currency"]), "rate": rate(t["bid_security_rate"]),
               "days": days(int(t["bid_validity_days"]) + int(extra)), "extra": days(extra)},
            _("A security of a lower amount or a shorter validity, naming another beneficiary or package, "
              "unsigned, or with conditions against the agency's interest, rejects the bid."),
            _("The security is returned to an unsuccessful bidder within 14 days of the award being "
              "published. It is forfeited when the bidder withdraws or changes its bid after the closing, "
              "commits a prohibited act, refuses the correction of errors, or, once awarded, does not "
              "finalise or sign the contract or provide the performance security in time."),
        ]),
        (_("Signature of the bid"), [
            _("The bid is signed by the bidder's legal representative or by the person the power of "
              "attorney names. On the system, the bidder's signatory submits it; the submission binds the "
              "bidder as a signed paper bid would."),
        ]),
    ]  # fmt: skip


def _submission(inputs: dict[str, Any]) -> list[tuple[str, list[str]]]:
    t = inputs["tender"]
    hours = param(inputs, "bidding.preparation_time", "opening_within_hours", 2)
    record = param(inputs, "bidding.preparation_time", "opening_minutes_within_hours", 24)
    opening = [
        _("On opening the system recomputes each bid's SHA-256 and compares it with its receipt; any "
          "difference is written in the record. The opening record names each bidder with its price, "
          "discount, bid security and validity, and is published to every bidder within %(hours)s hours.")
        % {"hours": record},
    ]  # fmt: skip
    if t["envelopes"] == 2:
        opening.append(
            _(
                "Only the technical envelopes are opened then. The financial envelopes of the bids that pass "
                "the technical evaluation are opened at a time published to those bidders; the others stay "
                "sealed and are returned."
            )
        )
    return [
        (_("Submission and sealing"), [
            _("Bids are submitted on the system no later than the closing, %(closing)s. On submission the "
              "system computes the SHA-256 of the bid's content, stamps it with the database's clock and "
              "gives the bidder a numbered receipt; from then on nobody, the agency included, can read the "
              "bid until the opening.") % {"closing": when(t["closing_at"])},
        ]),
        (_("Late bids"), [
            _("The system accepts no bid after the closing. The time that counts is the database's, not "
              "the bidder's clock."),
        ]),
        (_("Withdrawal and replacement"), [
            _("Before the closing a bidder may withdraw its bid and submit a new one. After the closing a "
              "bid can be neither changed nor withdrawn."),
        ]),
        (_("Bid opening"), [
            _("The bids are opened at %(opening)s, no later than %(hours)s hours after the closing, in the "
              "presence of the bidders who wish to attend.")
            % {"opening": when(t["opening_at"]), "hours": hours},
            *opening,
        ]),
    ]  # fmt: skip


def _evaluation(inputs: dict[str, Any]) -> list[tuple[str, list[str]]]:
    loading = param(inputs, "bidding.preference", "loading", "0.075")
    working_days = param(inputs, "bidding.preparation_time", "correction_acceptance_working_days", 3)
    low = {key: percent(param(inputs, "bidding.abnormally_low", key, default), 0)
           for key, default in (("below_package_price", "0.40"), ("below_mean_of_others", "0.40"),
                                ("below_next_bid", "0.30"))}  # fmt: skip
    ceiling = percent(param(inputs, "bidding.performance_security", "abnormally_low_max", "0.30"), 0)
    return [
        (_("Confidentiality"), [
            _("Until the award is published, nothing about the examination, clarification, evaluation or "
              "comparison of bids is disclosed to the bidders or anyone outside the evaluation. A bidder "
              "that tries to influence it has its bid rejected."),
        ]),
        (_("Clarification of bids"), [
            _("The evaluation panel may ask a bidder to clarify its bid in writing. The answer may not "
              "change the substance of the bid or its price; a bidder may add proof of its eligibility "
              "or experience that existed before the closing."),
        ]),
        (_("Examination of bids"), [
            _("Each bid is first checked for completeness and validity: a signed bid letter, the bid "
              "validity, a valid bid security, the bidder's eligibility and one bid per bidder. A bid "
              "that passes is then checked against every pass/fail requirement of Chapter III."),
        ]),
        (_("Correction of errors"), [
            _("Arithmetic errors are corrected as follows: the unit price prevails over a line amount, "
              "unless the two differ by a decimal factor, when the amount prevails and the unit price is "
              "corrected; line amounts prevail over a wrong total; an amount in words prevails over the "
              "amount in figures."),
            _("The agency notifies each correction with the rule that makes it. The bidder has %(days)s "
              "working days to accept it; a bidder that does not accept has its bid rejected and its bid "
              "security forfeited.") % {"days": working_days},
        ]),
        (_("Evaluation of prices"), [
            _("Prices are evaluated by the method of Chapter III, after the correction of errors and the "
              "discount, including VAT."),
        ]),
        (_("Preference"), [
            _("For the comparison only, %(loading)s of its price is added to a bid not entitled to "
              "preference. A bidder claiming preference proves its entitlement in its bid; only the most "
              "favourable preference applies.") % {"loading": percent(loading, 1)},
        ]),
        (_("Abnormally low bids"), [
            _("A bid whose evaluated price is more than %(package)s below the package price, more than "
              "%(mean)s below the mean of the other bids, or more than %(next)s below the next bid, must "
              "be explained by its bidder in writing. An explained bid may be kept with a performance "
              "security raised up to %(ceiling)s of the contract price; an unexplained one is rejected.")
            % {"package": low["below_package_price"], "mean": low["below_mean_of_others"],
               "next": low["below_next_bid"], "ceiling": ceiling},
        ]),
    ]  # fmt: skip


def _award(inputs: dict[str, Any]) -> list[tuple[str, list[str]]]:
    t = inputs["tender"]
    low = percent(param(inputs, "bidding.performance_security", "min", "0.02"), 0)
    high = percent(param(inputs, "bidding.performance_security", "max", "0.10"), 0)
    return [
        (_("Award criteria"), [
            _("The bid recommended for award is valid and eligible, passes every pass/fail requirement "
              "(and the technical pass mark when scored), has its corrections accepted, ranks first by "
              "the method of Chapter III, and has a price after correction and discount, including VAT, "
              "not above the package price of %(price)s.")
            % {"price": money(t["package_price"], t["currency"])},
        ]),
        (_("Notice of award"), [
            _("The award, once approved, is published on the system to every bidder: the winning bidder, "
              "its price and the reasons why the other bids were not chosen. The winning bidder is invited "
              "to finalise the contract."),
        ]),
        (_("Cancellation of the bidding"), [
            _("The agency may cancel the bidding when no bid is responsive, every responsive bid exceeds "
              "the package price, the scope of the package changes, or a prohibited act affected the "
              "result. The bidders are notified with the reason and their securities are returned, "
              "except those forfeited under the bid security clause."),
        ]),
        (_("Contract finalisation and signing"), [
            _("The contract is finalised on the basis of the bidding document, its amendments and the "
              "winning bid; unit prices and the discount do not change. A winning bidder that does not "
              "finalise or sign the contract in time loses its bid security, and the next-ranked bid may "
              "be invited."),
        ]),
        (_("Performance security"), [
            _("Before the contract takes effect, the winning bidder provides a performance security of "
              "%(low)s to %(high)s of the contract price, at the rate of Chapter VII, valid until the "
              "services are accepted and the warranty obligations begin.") % {"low": low, "high": high},
        ]),
        (_("Complaints"), [
            _("A bidder that considers its rights affected may complain in writing to the agency and then "
              "to the competent authority, within the time limits of the Law on Bidding. A complaint does "
              "not suspend the bidding unless the authority so decides."),
        ]),
    ]  # fmt: skip


def chapter_one(doc: Document, inputs: dict[str, Any]) -> None:
    part(doc, "chapter1", new_page=False)
    sections: Sections = [
        (_("A. General provisions"), _general(inputs)),
        (_("B. The bidding document"), _bidding_document(inputs)),
        (_("C. Preparation of bids"), _preparation(inputs)),
        (_("D. Submission, sealing and opening"), _submission(inputs)),
        (_("E. Evaluation of bids"), _evaluation(inputs)),
        (_("F. Award of contract"), _award(inputs)),
    ]
    clauses(doc, sections)
