"""Part 3 of the bidding document: the general conditions of contract (Chapter VI), the particular
conditions with this tender's figures (Chapter VII) and the contract forms (Chapter VIII: the
contract agreement, the performance security and the advance payment guarantee).

The general conditions are what an agency's IT-service contract says: documents and their order,
law and language, scope and service levels, term and acceptance, personnel and subcontractors,
information security, price and payment, taxes, price adjustment, service credits, securities,
warranty, data ownership, personal data and confidentiality, intellectual property, hand-over at the
end, variations, force majeure, penalties, suspension and termination, disputes and liquidation.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from ppp.documents.pdf import Document, money, percent

from .bidding_common import BLANK, clauses, form_heading, grid, param, part, rate, signed


def _general(inputs: dict[str, Any]) -> list[tuple[str, list[tuple[str, list[str]]]]]:
    return [
        (_("A. General"), [
            (_("Definitions"), [
                _("“Agency” is the contracting authority named in the contract; “Contractor” is the winning "
                  "bidder, or every member of the winning joint venture; “Services” are the services, "
                  "deliverables and obligations of Part 2; “Contract price” is the price of the contract "
                  "agreement, as corrected and discounted."),
            ]),
            (_("Contract documents and their order"), [
                _("The contract consists of, in this order of precedence: the contract agreement; the "
                  "particular conditions; these general conditions; the scope and technical requirements "
                  "with the amendments and clarifications of the bidding document; the winning bid with "
                  "its price forms; and any other document the contract agreement names."),
            ]),
            (_("Law and language"), [
                _("The contract is governed by the law of Viet Nam. It is written in the language of the "
                  "particular conditions, which also governs every notice under it."),
            ]),
            (_("Notices"), [
                _("Notices are given in writing, through the system or to the address of the contract "
                  "agreement, and take effect when received."),
            ]),
        ]),
        (_("B. Services"), [
            (_("Scope and service levels"), [
                _("The Contractor delivers the Services of Part 2 at the service levels the contract sets, "
                  "measured as the contract says, and reports each period on every service level with "
                  "the evidence of its measurement."),
            ]),
            (_("Commencement, term and acceptance"), [
                _("The Services start on the commencement date of the contract agreement and run for its "
                  "term. Each deliverable is accepted by the Agency against its acceptance criteria; a "
                  "deliverable that fails is corrected at the Contractor's cost and tested again."),
            ]),
            (_("Personnel and subcontractors"), [
                _("The key personnel named in the bid are replaced only with the Agency's consent, by "
                  "people at least as qualified. Subcontractors other than those named in the bid need "
                  "the Agency's written approval; the Contractor remains liable for their work."),
            ]),
            (_("Information security"), [
                _("The Contractor protects the systems and data of the Services at the information "
                  "security level the Agency classifies them at, follows the Agency's security policy, "
                  "allows security audits, and reports any security incident to the Agency within 24 "
                  "hours of discovering it."),
            ]),
        ]),
        (_("C. Price and payment"), [
            (_("Contract price"), [
                _("The contract is priced by the unit prices of the winning bid, less its discount, for the "
                  "quantities of each year actually delivered and accepted. The quantities of the "
                  "pricing schedule are the Agency's estimate; a change of quantity is paid at the same "
                  "unit prices."),
            ]),
            (_("Payment"), [
                _("The Contractor invoices each period for the Services accepted in it, with the service "
                  "level report. The Agency pays an undisputed invoice within the time of the particular "
                  "conditions, less any service credit or deduction; a disputed part is paid once settled."),
            ]),
            (_("Taxes"), [
                _("The unit prices include every tax, duty and fee except VAT, which is invoiced "
                  "separately at the rate in force on the invoice date."),
            ]),
            (_("Price adjustment"), [
                _("The unit prices are those of the year they are bid for. They change only as the "
                  "particular conditions allow, or by an amendment of the contract."),
            ]),
            (_("Service credits and deductions"), [
                _("A service level missed in a period reduces that period's payment by the service credit "
                  "or deduction the contract sets, up to its cap. Credits do not limit the Agency's other "
                  "remedies for a persistent failure."),
            ]),
        ]),
        (_("D. Securities and warranty"), [
            (_("Performance security"), [
                _("The Contractor provides the performance security of the particular conditions before "
                  "the contract takes effect. It is forfeited if the Contractor refuses to perform, "
                  "breaches the contract in substance, or the contract is terminated for its default, "
                  "and is released when the Services are accepted and the warranty security is given."),
            ]),
            (_("Advance payment"), [
                _("An advance payment, where the particular conditions allow one, is made against an "
                  "advance payment guarantee of the same amount (Form 11) and recovered from the first "
                  "payments."),
            ]),
            (_("Warranty"), [
                _("The Contractor warrants the software, equipment and deliverables it supplies for the "
                  "period of the particular conditions from their acceptance, and corrects any defect at "
                  "its cost within the response and resolution times of the service levels."),
            ]),
        ]),
        (_("E. Data, intellectual property and hand-over"), [
            (_("Data ownership"), [
                _("All data the Services collect, create or process belong to the Agency. The Contractor "
                  "processes them only to deliver the Services and as the Agency instructs, keeps them "
                  "where the particular conditions say, and never sells, shares or uses them for any "
                  "other purpose."),
            ]),
            (_("Personal data and confidentiality"), [
                _("The Contractor protects personal data as the law on personal data protection requires, "
                  "keeps confidential everything it learns about the Agency and the people it serves, "
                  "during the contract and after it, and reports any breach within 24 hours."),
            ]),
            (_("Intellectual property"), [
                _("Software and documents made for the Agency under the contract belong to the Agency. "
                  "For the Contractor's existing products the Agency receives the licences the contract "
                  "states, for the term and for the hand-over."),
            ]),
            (_("Hand-over at the end"), [
                _("At the end of the contract, whatever the reason, the Contractor hands over to the "
                  "Agency or its new provider every data set in an open, documented format, the "
                  "configurations, source code and documentation the Agency owns, and the knowledge needed "
                  "to run the Services; it supports the transition for the period of the particular "
                  "conditions, and then deletes the Agency's data from its systems and certifies it."),
            ]),
        ]),
        (_("F. Changes and ending"), [
            (_("Variations"), [
                _("The contract changes only by a written amendment approved and signed by both parties, "
                  "priced at the contract's unit prices where they apply."),
            ]),
            (_("Force majeure"), [
                _("A party prevented from performing by an event beyond its control, which it could not "
                  "foresee or avoid, notifies the other within 7 days and is excused for as long as the "
                  "event lasts; if it lasts more than 90 days either party may terminate."),
            ]),
            (_("Penalties for breach"), [
                _("For delay or a breach not covered by service credits, the Contractor pays the penalty "
                  "of the particular conditions, up to the cap they set; damages beyond it may be claimed "
                  "as the law allows."),
            ]),
            (_("Suspension and termination"), [
                _("The Agency may suspend the Services or terminate the contract for the Contractor's "
                  "serious breach not remedied within 30 days of notice, its insolvency, or a prohibited "
                  "act; the Contractor may terminate for the Agency's failure to pay an undisputed invoice "
                  "within 90 days of its due date. Hand-over applies in every case."),
            ]),
            (_("Disputes"), [
                _("The parties first try to settle a dispute by negotiation, then by conciliation; failing "
                  "that within 60 days, it is resolved as the particular conditions state."),
            ]),
            (_("Contract liquidation"), [
                _("When every obligation is performed, the parties sign a liquidation record settling the "
                  "final amounts, the securities and the hand-over."),
            ]),
        ]),
    ]  # fmt: skip


def chapter_six(doc: Document, inputs: dict[str, Any]) -> None:
    part(doc, "chapter6", new_page=False)
    clauses(doc, _general(inputs))


def chapter_seven(doc: Document, inputs: dict[str, Any]) -> None:
    t = inputs["tender"]
    part(doc, "chapter7")
    years = inputs["years"]
    low = param(inputs, "bidding.performance_security", "min", "0.02")
    high = param(inputs, "bidding.performance_security", "max", "0.10")
    ceiling = param(inputs, "bidding.performance_security", "abnormally_low_max", "0.30")
    language = _("Vietnamese and English; Vietnamese prevails") if t["international"] else _("Vietnamese")
    rows = [
        [_("Contract documents"), _("As the general conditions list them; no other document.")],
        [_("Law and language"), _("The law of Viet Nam; %(language)s.") % {"language": language}],
        [_("Contract price"), _("Unit prices of the winning bid less its discount, in %(currency)s; VAT at "
                                "%(vat)s on the items subject to it.")
         % {"currency": t["currency"], "vat": rate(t["vat_rate"])}],
        [_("Term"), _("From the commencement date, for the years %(first)s to %(last)s of the pricing "
                      "schedule.")
         % {"first": years[0] if years else "—", "last": years[-1] if years else "—"}],
        [_("Payment"), _("Each period in arrears, within 30 days of an accepted invoice.")],
        [_("Price adjustment"), _("None: each year's unit prices are those of the bid.")],
        [_("Performance security"), _("%(low)s to %(high)s of the contract price, set at award (up to "
                                      "%(ceiling)s for an explained abnormally low bid); valid until the "
                                      "Services are accepted.")
         % {"low": percent(low, 0), "high": percent(high, 0), "ceiling": percent(ceiling, 0)}],
        [_("Advance payment"), _("None, unless the contract agreement states one against Form 11.")],
        [_("Warranty"), _("12 months from the acceptance of each deliverable, unless Part 2 asks for more.")],
        [_("Data location"), _("In Viet Nam, in data centres meeting the Agency's security level.")],
        [_("Hand-over at the end"), _("Support for 3 months after the end of the contract.")],
        [_("Penalties for breach"), _("%(daily)s of the value of the late or failed part a day, up to "
                                      "%(cap)s of the value of the obligation breached.")
         % {"daily": percent("0.001", 1), "cap": percent("0.08", 0)}],
        [_("Disputes"), _("Arbitration at the Vietnam International Arbitration Centre, or else the court "
                          "of the Agency's seat.")],
    ]  # fmt: skip
    grid(doc, [_("Clause"), _("Particular condition")], rows, widths=[2.2, 7])
    doc.paragraph(
        _("The package price is %(price)s; the contract price may not exceed it.")
        % {"price": money(t["package_price"], t["currency"])}
    )


def contract_agreement(doc: Document, inputs: dict[str, Any]) -> None:
    t = inputs["tender"]
    form_heading(doc, "form_contract")
    doc.paragraph(_("Contract No.: %(blank)s · date: %(blank)s") % {"blank": BLANK})
    doc.paragraph(
        _("Package %(reference)s “%(title)s”, on the basis of the Law on Bidding, the award decision No. "
          "%(blank)s of %(blank)s and the contract negotiation record of %(blank)s.")
        % {"reference": inputs["reference"], "title": t["title"], "blank": BLANK}
    )  # fmt: skip
    doc.facts([
        (_("Agency"), t["agency"]),
        (_("Represented by"), BLANK),
        (_("Contractor"), BLANK),
        (_("Represented by"), BLANK),
        (_("Tax code, address, account"), BLANK),
    ])  # fmt: skip
    articles = [
        _("Article 1. Subject: the Contractor delivers the Services of Part 2 of the bidding document as "
          "the contract documents describe."),
        _("Article 2. Contract documents: as Chapter VI and VII list them, in that order."),
        _("Article 3. Contract price: %(blank)s %(currency)s (in words: %(blank)s), including VAT, by the "
          "unit prices of the price forms attached.") % {"blank": BLANK, "currency": t["currency"]},
        _("Article 4. Term: from %(blank)s to %(blank)s.") % {"blank": BLANK},
        _("Article 5. Payment, securities, warranty, data and hand-over: as the particular conditions "
          "state."),
        _("Article 6. Effect: the contract takes effect on signature and on the Agency's receipt of the "
          "performance security."),
    ]  # fmt: skip
    for article in articles:
        doc.paragraph(article)
    doc.signatures((_("For the agency"), t["agency"]), (_("For the contractor"), BLANK))


def performance_security(doc: Document, inputs: dict[str, Any]) -> None:
    t = inputs["tender"]
    form_heading(doc, "form_performance")
    doc.paragraph(_("Beneficiary: %(agency)s") % {"agency": t["agency"]})
    doc.paragraph(
        _("We, %(blank)s (the bank), irrevocably guarantee the performance of contract No. %(blank)s for "
          "package %(reference)s by %(blank)s (the Contractor), and undertake to pay the beneficiary up to "
          "%(blank)s %(currency)s (in words: %(blank)s), %(blank)s%% of the contract price, within 5 working "
          "days of its written demand stating that the Contractor has breached the contract. This guarantee "
          "takes effect on %(blank)s and is valid until %(blank)s.")
        % {"blank": BLANK, "reference": inputs["reference"], "currency": t["currency"]}
    )  # fmt: skip
    doc.signatures(("", ""), (_("Legal representative of the bank"), signed()))


def advance_guarantee(doc: Document, inputs: dict[str, Any]) -> None:
    t = inputs["tender"]
    form_heading(doc, "form_advance")
    doc.paragraph(
        _("We, %(blank)s (the bank), guarantee to %(agency)s the repayment of the advance of %(blank)s "
          "%(currency)s paid to %(blank)s under contract No. %(blank)s, and undertake to pay any part not "
          "recovered from the payments on the beneficiary's written demand. The amount falls as the advance "
          "is recovered; the guarantee is valid until the advance is recovered in full.")
        % {"blank": BLANK, "agency": t["agency"], "currency": t["currency"]}
    )  # fmt: skip
    doc.signatures(("", ""), (_("Legal representative of the bank"), signed()))


def chapter_eight(doc: Document, inputs: dict[str, Any]) -> None:
    part(doc, "chapter8")
    contract_agreement(doc, inputs)
    doc.page_break()
    performance_security(doc, inputs)
    doc.page_break()
    advance_guarantee(doc, inputs)


def part_three(doc: Document, inputs: dict[str, Any]) -> None:
    part(doc, "part3")
    chapter_six(doc, inputs)
    chapter_seven(doc, inputs)
    chapter_eight(doc, inputs)
