"""Pages of a contract after the award (routes in contracts/urls.py): pages.py, the contract from its
draft to its end (list, detail, terms, submission, decisions, signature, closing, history); editors.py
with editor_forms.py and mechanism_form.py, the draft's payment mechanism, service levels, milestones
and financial plan; amendments.py with amendment_form.py, the amendments and the versions' diff."""

from .amendments import (
    amendment_create,
    amendment_decide,
    amendment_detail,
    amendment_edit,
    amendment_list,
    amendment_sign,
    amendment_submit,
    amendment_withdraw,
    versions,
)
from .editors import contract_mechanisms, contract_milestones, contract_plan, contract_service_levels
from .pages import (
    contract_decide,
    contract_detail,
    contract_edit,
    contract_end,
    contract_history,
    contract_list,
    contract_sign,
    contract_submit,
)

__all__ = [
    "amendment_create",
    "amendment_decide",
    "amendment_detail",
    "amendment_edit",
    "amendment_list",
    "amendment_sign",
    "amendment_submit",
    "amendment_withdraw",
    "contract_decide",
    "contract_detail",
    "contract_edit",
    "contract_end",
    "contract_history",
    "contract_list",
    "contract_mechanisms",
    "contract_milestones",
    "contract_plan",
    "contract_service_levels",
    "contract_sign",
    "contract_submit",
    "versions",
]
