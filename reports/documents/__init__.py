"""The documents reports can produce, by kind: the template and the context it is rendered from.
A new kind joins this table."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from reports.documents.board_proposal import board_proposal_context
from reports.documents.investment import investment_context
from reports.documents.portfolio import portfolio_context
from reports.documents.reclaim_decision import reclaim_decision_context
from reports.documents.yearly import yearly_context
from reports.models import ReportJob, ReportKind


@dataclass(frozen=True)
class Document:
    template: str
    context: Callable[[ReportJob, dt.datetime], dict]


DOCUMENTS: dict[str, Document] = {
    ReportKind.PORTFOLIO: Document(
        template="reports/pdf/portfolio.html",
        context=lambda job, at: portfolio_context(job.fund, job.value_date, at),
    ),
    ReportKind.INVESTMENT: Document(
        template="reports/pdf/investment.html", context=investment_context
    ),
    ReportKind.RECLAIM_DECISION: Document(
        template="reports/pdf/reclaim_decision.html", context=reclaim_decision_context
    ),
    ReportKind.BOARD_PROPOSAL: Document(
        template="reports/pdf/board_proposal.html", context=board_proposal_context
    ),
    ReportKind.YEARLY: Document(template="reports/pdf/yearly.html", context=yearly_context),
}
