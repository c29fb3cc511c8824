"""The start page: for each role a person holds, what to do next.

It composes ``attention_for(user)`` from every app, in the order of the dependency graph, and
groups the items by role. An app adds to the start page by returning items; nothing here
changes when it does. The city director's (or delegate's) and the fund administrators' section
also shows the fund in figures (``reports.dashboards``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications import selectors as applications_selectors
from core import access
from core import selectors as core_selectors
from core.attention import DELEGATE, PROJECT_WORK, Attention
from core.models import Role
from projects import selectors as projects_selectors
from reclaim import selectors as reclaim_selectors
from reports import selectors as reports_selectors
from reports.dashboards import dashboards

PROVIDERS = (
    core_selectors.attention_for,
    applications_selectors.attention_for,
    projects_selectors.attention_for,
    reclaim_selectors.attention_for,
    reports_selectors.attention_for,
)

# Order of the sections, and what each role is told: a heading, what the role does, and what
# to say when nothing waits for the person or their cases (and what comes next).
GUIDANCE = {
    Role.FUND_ADMIN: (
        _("Fund administrator"),
        _("You run the fund: calls, reviews, decisions, projects, money and users."),
        _(
            "Nothing is waiting for you right now. Submitted idea sketches and applications, "
            "proposals to prepare and invitations that lapse appear here as they arrive."
        ),
    ),
    Role.CITY_DIRECTOR: (
        _("City director"),
        _(
            "You approve the proposals to the board, decide reclaim plans and receive the "
            "reports on the investments."
        ),
        _(
            "No proposal is waiting for your decision. When the fund administrators send you "
            "a call's proposal to the board, you get an e-mail and it appears here to approve "
            "or send back."
        ),
    ),
    DELEGATE: (
        _("City director's delegate"),
        _(
            "During the delegation you decide in the city director's place. Your decisions are "
            "recorded as taken on delegation."
        ),
        _(
            "No proposal is waiting for a decision. A proposal sent to the city director "
            "during the delegation appears here too, and you get an e-mail."
        ),
    ),
    Role.COUNCIL_MEMBER: (
        _("Council member"),
        _(
            "You review and score the applications assigned to you and take part in the "
            "council's decisions."
        ),
        _(
            "No applications are waiting for your review. When a fund administrator assigns "
            "you one, you get an e-mail and it appears here: you declare that you have no "
            "conflict of interest, then score the five criteria."
        ),
    ),
    Role.SCIENTIFIC_REVIEWER: (
        _("Scientific reviewer"),
        _(
            "You write statements on the evidence base and evaluation design of the "
            "applications assigned to you."
        ),
        _(
            "No applications are waiting for your statement. When a fund administrator "
            "assigns you one, you get an e-mail and it appears here: you declare that you "
            "have no conflict of interest, then write your statement."
        ),
    ),
    Role.BOARD_SECRETARY: (
        _("Board secretary"),
        _("You record the board's decisions on the proposals from the city director."),
        _(
            "No board decisions are waiting to be recorded. When the city director approves "
            "a call's proposal to the board, you get an e-mail and it appears here; after the "
            "board's meeting you record its decision on each application."
        ),
    ),
    Role.APPLICANT: (
        _("Applicant"),
        _(
            "You write idea sketches and applications when a call is open, revise them after "
            "review and report on your projects."
        ),
        _(
            "Nothing is waiting for you right now. Idea sketches are written while a call is "
            "open; below you see whether one is."
        ),
    ),
    PROJECT_WORK: (
        _("Your projects"),
        _(
            "You lead or evaluate funded projects: progress reports to the city director, "
            "change requests and the evaluation."
        ),
        _("No progress report or change is waiting for you."),
    ),
    Role.AUDITOR: (
        _("Auditor"),
        _(
            "You can read all submitted and decided cases, the ledger and the reports. You "
            "cannot change anything."
        ),
        _(
            "Nothing waits for you: you follow the fund's work and change nothing. Start from "
            "the ledger, the register or the cases below."
        ),
    ),
}


@dataclass
class Section:
    role: str
    heading: str
    intro: str
    empty: str
    actions: list[Attention] = field(default_factory=list)
    waiting: list[Attention] = field(default_factory=list)
    notes: list[Attention] = field(default_factory=list)
    links: list[Attention] = field(default_factory=list)
    organisations: list = field(default_factory=list)
    dashboards: list = field(default_factory=list)


def start_sections(user) -> list[Section]:
    roles = set(access.active_roles(user))
    if access.active_delegation_for(user) is not None and Role.CITY_DIRECTOR not in roles:
        roles.add(DELEGATE)
    if projects_selectors.works_on_projects(user):
        roles.add(PROJECT_WORK)
    sections = {
        role: Section(role, *[str(text) for text in GUIDANCE[role]])
        for role in GUIDANCE
        if role in roles
    }
    for provider in PROVIDERS:
        for item in provider(user):
            section = sections.get(item.role)
            if section is None:
                continue
            {
                "action": section.actions,
                "waiting": section.waiting,
                "info": section.notes,
                "link": section.links,
            }[item.kind].append(item)
    if Role.APPLICANT in sections:
        sections[Role.APPLICANT].organisations = access.applicant_organisations(user)
    # The fund in figures, once, in the first of these sections the person has.
    for role in (Role.CITY_DIRECTOR, DELEGATE, Role.FUND_ADMIN):
        if role in sections:
            sections[role].dashboards = dashboards(timezone.localdate())
            break
    return list(sections.values())
