"""What this app puts on the start page: for each role, what waits and what to know."""

from __future__ import annotations

from dataclasses import replace

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, ngettext_lazy

from applications.models import (
    Application,
    ApplicationState,
    Call,
    CallState,
    IdeaSketch,
    Proposal,
    ProposalState,
    ReviewKind,
    SketchState,
)
from applications.selectors.council import sketches_awaiting_council
from applications.selectors.proposals import calls_ready_for_proposal
from applications.selectors.reviews import open_tasks_of
from applications.states import PROPOSAL, WITH_CITY_DIRECTOR
from core import access
from core.attention import DELEGATE, FIRST_ROWS, Attention, counted, counts, first_rows
from core.models import Role


def attention_for(user) -> list[Attention]:
    """Open calls for applicants; drafts to publish and links for fund administrators."""
    items: list[Attention] = []
    today = timezone.localdate()
    roles = access.active_roles(user)
    if Role.APPLICANT in roles:
        calls = list(Call.objects.open_for_sketches(today))
        if not calls:
            items.append(
                Attention(
                    role=Role.APPLICANT,
                    title=_("No call is open for idea sketches right now"),
                    url=reverse("calls:list"),
                    detail=_(
                        "The fund administrators publish the calls; an open call is listed "
                        "here, with its last day for idea sketches."
                    ),
                    kind="info",
                )
            )
        for call in calls:
            items.append(
                Attention(
                    role=Role.APPLICANT,
                    title=_("Open call: %(title)s") % {"title": call.title},
                    url=reverse("calls:detail", args=[call.pk]),
                    detail=_("Idea sketches until %(date)s.")
                    % {"date": call.idea_sketch_deadline.isoformat()},
                    kind="info",
                )
            )
        items += _applicant_cases(user)
    if Role.FUND_ADMIN in roles:
        sketches, submitted, drafts = counts(
            sketches_awaiting_council(),
            Application.objects.filter(state=ApplicationState.SUBMITTED),
            Call.objects.filter(state=CallState.DRAFT),
        )
        items += counted(
            Role.FUND_ADMIN,
            sketches,
            ngettext_lazy(
                "%(count)s idea sketch waits for the council's decision",
                "%(count)s idea sketches wait for the council's decision",
                "count",
            ),
            url=reverse("council:meetings"),
        )
        items += counted(
            Role.FUND_ADMIN,
            submitted,
            ngettext_lazy(
                "%(count)s submitted application", "%(count)s submitted applications", "count"
            ),
            url=reverse("applications:list") + "?state=submitted",
            kind="info",
        )
    if Role.COUNCIL_MEMBER in roles:
        items += counted(
            Role.COUNCIL_MEMBER,
            sketches_awaiting_council(IdeaSketch.objects.visible_to(user)).count(),
            ngettext_lazy(
                "%(count)s idea sketch for the council's next applicability decision",
                "%(count)s idea sketches for the council's next applicability decision",
                "count",
            ),
            url=reverse("sketches:list") + "?state=submitted",
            kind="info",
        )
    if Role.FUND_ADMIN in roles:
        items += counted(
            Role.FUND_ADMIN,
            drafts,
            ngettext_lazy(
                "%(count)s call in draft, not yet published",
                "%(count)s calls in draft, not yet published",
                "count",
            ),
            url=reverse("calls:list"),
        )
        items += _admin_decisions()
        items += [
            Attention(
                role=Role.FUND_ADMIN, title=_("Calls"), url=reverse("calls:list"), kind="link"
            ),
            Attention(
                role=Role.FUND_ADMIN,
                title=_("Funds and the ledger"),
                url=reverse("funds:list"),
                kind="link",
            ),
        ]
    items += _review_tasks(user, roles)
    capacity = access.city_director_capacity(user)
    items += _links(roles, capacity)
    if capacity is not None:
        role = Role.CITY_DIRECTOR if not capacity.on_delegation else DELEGATE
        for proposal in Proposal.objects.filter(state__in=WITH_CITY_DIRECTOR).select_related(
            "call"
        ):
            items.append(
                Attention(
                    role=role,
                    title=_("Approve or send back the proposal for %(call)s")
                    % {"call": proposal.call.title},
                    url=reverse("proposals:detail", args=[proposal.pk]),
                )
            )
    if Role.BOARD_SECRETARY in roles:
        for proposal in (
            Proposal.objects.filter(state__in=PROPOSAL.sources(ProposalState.DECIDED))
            .select_related("call")
            .annotate(open=Count("items", filter=Q(items__decision__isnull=True)))
        ):
            items.append(
                Attention(
                    role=Role.BOARD_SECRETARY,
                    title=_("Record the board's decisions on %(call)s")
                    % {"call": proposal.call.title},
                    url=reverse("proposals:detail", args=[proposal.pk]),
                    detail=ngettext(
                        "%(count)s decision left to record",
                        "%(count)s decisions left to record",
                        proposal.open,
                    )
                    % {"count": proposal.open},
                    count=proposal.open,
                )
            )
    return items


def _links(roles, capacity) -> list[Attention]:
    """Where each role goes from the start page: its own list, and for the auditor every kind
    of case she reads."""
    items = []
    for role in (Role.COUNCIL_MEMBER, Role.SCIENTIFIC_REVIEWER):
        if role in roles:
            items.append(
                Attention(
                    role=role, title=_("My reviews"), url=reverse("reviews:list"), kind="link"
                )
            )
    proposals = Attention(
        role=Role.BOARD_SECRETARY,
        title=_("Proposals to the board"),
        url=reverse("proposals:list"),
        kind="link",
    )
    if Role.BOARD_SECRETARY in roles:
        items.append(proposals)
    if capacity is not None:
        role = Role.CITY_DIRECTOR if not capacity.on_delegation else DELEGATE
        items.append(replace(proposals, role=role))
    if Role.AUDITOR in roles:
        for title, name in (
            (_("Idea sketches"), "sketches:list"),
            (_("Applications"), "applications:list"),
            (_("Council meetings"), "council:meetings"),
            (_("Proposals to the board"), "proposals:list"),
        ):
            items.append(Attention(role=Role.AUDITOR, title=title, url=reverse(name), kind="link"))
    return items


# The start page lists this many of the reviewer's tasks; the rest are counted.
TASKS_SHOWN = FIRST_ROWS


def _review_tasks(user, roles) -> list[Attention]:
    """The reviewer's open assignments, soonest due first: declare, then score or write the
    statement. The first few as items, the rest as a count with a link to the list."""
    reviewer_roles = [r for r in (Role.COUNCIL_MEMBER, Role.SCIENTIFIC_REVIEWER) if r in roles]
    if not reviewer_roles:
        return []
    shown, total = first_rows(open_tasks_of(user), TASKS_SHOWN)
    items = [_review_task(assignment) for assignment in shown]
    items += counted(
        reviewer_roles[0],
        total - len(shown),
        ngettext_lazy(
            "%(count)s more application waits for your review",
            "%(count)s more applications wait for your review",
            "count",
        ),
        url=reverse("reviews:list") + "?status=open",
    )
    return items


def _review_task(assignment) -> Attention:
    application = assignment.application
    if assignment.declared_at is None:
        text = _("Declare no conflict of interest, then review")
    elif assignment.kind == ReviewKind.COUNCIL:
        text = _("Score the application")
    else:
        text = _("Write your statement on the application")
    if assignment.due_on:
        detail = _("%(number)s, version %(version)s, due %(date)s") % {
            "number": application.registration,
            "version": application.current_version,
            "date": assignment.due_on.isoformat(),
        }
    else:
        detail = _("%(number)s, version %(version)s") % {
            "number": application.registration,
            "version": application.current_version,
        }
    return Attention(
        role=Role.COUNCIL_MEMBER
        if assignment.kind == ReviewKind.COUNCIL
        else Role.SCIENTIFIC_REVIEWER,
        title=f"{text}: {application.title}",
        url=reverse("reviews:assignment", args=[assignment.pk]),
        detail=detail,
    )


def _admin_decisions() -> list[Attention]:
    """Proposals to prepare or rework."""
    items = []
    for call in calls_ready_for_proposal().order_by("pk"):
        items.append(
            Attention(
                role=Role.FUND_ADMIN,
                title=_("Prepare the proposal to the board for %(call)s") % {"call": call.title},
                url=reverse("proposals:list"),
            )
        )
    for proposal in Proposal.objects.filter(state=ProposalState.RETURNED).select_related("call"):
        items.append(
            Attention(
                role=Role.FUND_ADMIN,
                title=_("The city director sent back the proposal for %(call)s")
                % {"call": proposal.call.title},
                url=reverse("proposals:detail", args=[proposal.pk]),
            )
        )
    return items


def _applicant_cases(user) -> list[Attention]:
    """The applicant's organisations' cases: what waits for them (drafts to finish, sketches
    returned for completion, applicable sketches without an application, revisions asked for)
    and what waits for someone else, with what comes next. The first few of each, the rest
    counted."""
    owners = [org.pk for org in access.applicant_organisations(user)]
    if not owners:
        return []
    items = []
    sketch_texts = {
        SketchState.DRAFT: _("Finish and submit the idea sketch"),
        SketchState.RETURNED: _("Complete the idea sketch the council returned"),
        SketchState.APPLICABLE: _("Write the application: the idea sketch is applicable"),
    }
    sketches, total = first_rows(
        IdeaSketch.objects.filter(owner_id__in=owners, state__in=list(sketch_texts))
        .filter(application__isnull=True)
        .select_related("call", "registration")
        .order_by("created_at", "pk")
    )
    for sketch in sketches:
        items.append(
            Attention(
                role=Role.APPLICANT,
                title=f"{sketch_texts[SketchState(sketch.state)]}: {sketch.title}",
                url=reverse("sketches:detail", args=[sketch.pk]),
                detail=str(sketch.registration or sketch.call.title),
            )
        )
    items += counted(
        Role.APPLICANT,
        total - len(sketches),
        ngettext_lazy(
            "%(count)s more idea sketch waits for you",
            "%(count)s more idea sketches wait for you",
            "count",
        ),
        url=reverse("sketches:list"),
    )
    application_texts = {
        ApplicationState.DRAFT: _("Finish and submit the application"),
        ApplicationState.REVISION_REQUESTED: _("Revise the application"),
    }
    applications, total = first_rows(
        Application.objects.filter(owner_id__in=owners, state__in=list(application_texts))
        .select_related("registration")
        .order_by("created_at", "pk")
    )
    for application in applications:
        items.append(
            Attention(
                role=Role.APPLICANT,
                title=f"{application_texts[ApplicationState(application.state)]}: "
                f"{application.title}",
                url=reverse("applications:detail", args=[application.pk]),
                detail=str(application.registration),
            )
        )
    items += counted(
        Role.APPLICANT,
        total - len(applications),
        ngettext_lazy(
            "%(count)s more application waits for you",
            "%(count)s more applications wait for you",
            "count",
        ),
        url=reverse("applications:list"),
    )
    return items + _applicant_waiting(owners)


def _applicant_waiting(owners) -> list[Attention]:
    """The organisations' cases that are with the council, the city director or the board:
    what the case waits for, and since when."""
    items = []
    sketches, total = first_rows(
        IdeaSketch.objects.filter(owner_id__in=owners, state=SketchState.SUBMITTED)
        .select_related("registration")
        .order_by("submitted_at", "pk")
    )
    for sketch in sketches:
        items.append(
            Attention(
                role=Role.APPLICANT,
                title=_("Your idea sketch waits for the council's decision: %(title)s")
                % {"title": sketch.title},
                url=reverse("sketches:detail", args=[sketch.pk]),
                detail=_("%(number)s, submitted %(date)s")
                % {"number": sketch.registration, "date": _day(sketch.submitted_at)},
                kind="waiting",
            )
        )
    items += counted(
        Role.APPLICANT,
        total - len(sketches),
        ngettext_lazy(
            "%(count)s more idea sketch waits for the council's decision",
            "%(count)s more idea sketches wait for the council's decision",
            "count",
        ),
        url=reverse("sketches:list") + "?state=submitted",
        kind="waiting",
    )
    application_texts = {
        ApplicationState.SUBMITTED: _(
            "Your application is under review; the council's recommendation comes next"
        ),
        ApplicationState.RECOMMENDED: _(
            "The council has made its recommendation; the board's decision comes next"
        ),
    }
    applications, total = first_rows(
        Application.objects.filter(owner_id__in=owners, state__in=list(application_texts))
        .select_related("registration")
        .order_by("submitted_at", "pk")
    )
    for application in applications:
        items.append(
            Attention(
                role=Role.APPLICANT,
                title=f"{application_texts[ApplicationState(application.state)]}: "
                f"{application.title}",
                url=reverse("applications:detail", args=[application.pk]),
                detail=_("%(number)s, version %(version)s submitted %(date)s")
                % {
                    "number": application.registration,
                    "version": application.current_version,
                    "date": _day(application.submitted_at),
                },
                kind="waiting",
            )
        )
    items += counted(
        Role.APPLICANT,
        total - len(applications),
        ngettext_lazy(
            "%(count)s more application is with the council or the board",
            "%(count)s more applications are with the council or the board",
            "count",
        ),
        url=reverse("applications:list"),
        kind="waiting",
    )
    return items


def _day(moment) -> str:
    return timezone.localdate(moment).isoformat() if moment else "–"
