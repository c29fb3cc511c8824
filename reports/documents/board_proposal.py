"""The proposal to the board for a call as a document (BRIEF.md "The process" 5): the
applications the council recommends with the amounts per year, the council's summaries, the
call's applications not proposed (those the person who asked may see, as on the proposal's
page), and the fund's available amount as the ledger has it on the value date, against what
the proposal asks (``approval_headroom``, the rule the approval obeys). The council appears as
a body: never an individual score."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from applications.models import Proposal
from applications.selectors.proposals import approval_headroom, not_proposed, proposal_items
from reports.models import ReportJob
from reports.render import running


def board_proposal_context(job: ReportJob, generated_at: dt.datetime) -> dict:
    proposal = Proposal.objects.select_related(
        "call__fund", "approved_by", "approved_on_delegation__delegator", "created_by"
    ).get(pk=job.parameters["proposal"])
    items = proposal_items(proposal)
    years = sorted({year for item in items for year in item.year_list})
    total = sum(item.amount for item in items)
    rows = [
        (item, [next((y.amount for y in item.years.all() if y.year == year), 0) for year in years])
        for item in items
    ]
    # As the proposal page shows them to the person who asked.
    others = not_proposed(job.requester, proposal, items)
    fund = proposal.call.fund
    return {
        "proposal": proposal,
        "call": proposal.call,
        "fund": fund,
        "rows": rows,
        "years": years,
        "year_totals": [sum(amounts[i] for _item, amounts in rows) for i in range(len(years))],
        "total": total,
        "others": others,
        "headroom": approval_headroom(proposal, job.value_date, total=total),
        "value_date": job.value_date,
        "generated_at": generated_at,
        "approved_at": timezone.localtime(proposal.approved_at) if proposal.approved_at else None,
        "title": _("Proposal to the board: %(call)s") % {"call": proposal.call.title},
        "running": running(
            fund_name=fund.name,
            registration=None,
            value_date=job.value_date,
            generated_at=generated_at,
        ),
    }
