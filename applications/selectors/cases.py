"""Reads of idea sketches and applications: what a submission still lacks, and the case pages
(each the object's own rows, loaded once, and what the reader may do with it)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from applications import access, versions
from applications.models import (
    SKETCH_FIELDS,
    Application,
    ApplicationState,
    ApplicationVersion,
    BoardDecision,
    Call,
    CouncilRecommendation,
    IdeaSketch,
    ReviewStatement,
    SketchState,
    budget_totals,
)
from applications.models.sketches import split_participants
from applications.periods import period_refusal
from applications.states import (
    APPLICATION,
    SKETCH,
    application_start_refusal,
    awaits_council,
    can_be_taken_up,
)
from core import links
from core.cases import comment_organisation
from core.events import activity_log
from core.money import format_kr
from core.selectors import thread
from core.together import together

# Everything but the telephone must be filled in before a sketch is submitted.
SKETCH_REQUIRED = tuple(name for name in SKETCH_FIELDS if name != "contact_phone")


@dataclass(frozen=True)
class SubmitProblem:
    """One thing that stops a submission, and where on the edit form it is put right (the id
    of a field or of a table's heading). A required field left empty reads as its label, so
    that a list names each field once."""

    text: str
    anchor: str
    empty_field: bool = False


def _empty(model, names, instance) -> list[SubmitProblem]:
    return [
        SubmitProblem(
            capfirst(str(model._meta.get_field(name).verbose_name)),
            f"id_{name}",
            empty_field=True,
        )
        for name in names
        if getattr(instance, name) in (None, "")
    ]


def problems_text(problems: list[SubmitProblem]) -> str:
    """The problems as one message (a service's refusal): the empty fields first, one by one."""
    fields = [problem.text for problem in problems if problem.empty_field]
    sentences = [problem.text for problem in problems if not problem.empty_field]
    lead = [_("Fill in: %(fields)s.") % {"fields": "; ".join(fields)}] if fields else []
    return " ".join(lead + sentences)


def missing_on_submit(sketch: IdeaSketch) -> list[SubmitProblem]:
    """The sketch's required fields that are still empty."""
    return _empty(IdeaSketch, SKETCH_REQUIRED, sketch)


def problems_on_submit(application: Application) -> list[SubmitProblem]:
    """What stops the application from being submitted: each required field still empty, then
    each other problem as a sentence (the submit service refuses with them; the case page and
    the submit page list them, each a link to its place on the edit form)."""
    required = [
        name for name in versions.APPLICATION_FIELDS if name not in versions.OPTIONAL_FIELDS
    ]
    problems = _empty(Application, required, application)
    for name in versions.REQUIRED_TABLES:
        if not getattr(application, name).exists():
            problems.append(
                SubmitProblem(
                    _("Add at least one row to: %(table)s.")
                    % {"table": str(versions.TABLES_BY_NAME[name].title).lower()},
                    f"{name}-table-heading",
                )
            )
    budget = list(application.budget.select_related("recipient"))
    total = budget_totals(budget).fund
    if application.amount_requested is not None and total != application.amount_requested:
        problems.append(
            SubmitProblem(
                _(
                    "The amount requested (%(requested)s) must equal the budget's rows financed "
                    "by the fund (%(total)s), a difference of %(difference)s."
                )
                % {
                    "requested": format_kr(application.amount_requested),
                    "total": format_kr(total),
                    "difference": format_kr(abs(application.amount_requested - total)),
                },
                "id_amount_requested",
            )
        )
    participants = application.participants.select_related("organisation")
    allowed = {application.owner_id} | {
        p.organisation_id for p in participants if p.organisation.can_own_cases
    }
    strangers = sorted({row.recipient.name for row in budget if row.recipient_id not in allowed})
    if strangers:
        problems.append(
            SubmitProblem(
                _(
                    "The fund pays only the owner, co-owners and partner departments; the "
                    "budget names other recipients: %(names)s."
                )
                % {"names": ", ".join(strangers)},
                "budget-table-heading",
            )
        )
    start, end = application.planned_start, application.planned_end
    refusal = period_refusal(application.call, start, end)
    if refusal is not None:
        problems.append(SubmitProblem(refusal.message, f"id_{refusal.field or 'planned_start'}"))
    elif start and end:
        outside = sorted({row.year for row in budget if not start.year <= row.year <= end.year})
        if outside:
            problems.append(
                SubmitProblem(
                    _("Budget rows fall outside the project period %(start)s–%(end)s: %(years)s.")
                    % {
                        "start": start.year,
                        "end": end.year,
                        "years": ", ".join(str(year) for year in outside),
                    },
                    "budget-table-heading",
                )
            )
    return problems


def case_thread(user, case, namespace: str) -> dict:
    """The comment thread of a sketch or an application (``namespace``: its URLs')."""
    may, _organisation = comment_organisation(user, case)
    return thread(
        case,
        url=reverse(f"{namespace}:comment", args=[case.pk]),
        withdraw=lambda comment: reverse(
            f"{namespace}:comment_withdraw", args=[case.pk, comment.pk]
        ),
        can_comment=may,
    )


def sketch_page(user, sketch: IdeaSketch) -> dict:
    """The sketch page: the council's decisions, the application and later sketches the
    reader may see, the log, and what the reader may do."""
    can_edit = access.can_edit_case(user, sketch)
    application = Application.objects.visible_to(user).filter(sketch=sketch).first()
    can_follow_up = can_edit and can_be_taken_up(sketch)
    return {
        "sketch": sketch,
        **split_participants(sketch.participants.select_related("organisation")),
        "decisions": list(
            sketch.decisions.select_related("meeting", "recorded_by").prefetch_related(
                "taking_part", "conflicts__member"
            )
        ),
        "application": application,
        "followups": list(
            IdeaSketch.objects.visible_to(user).filter(previous=sketch).select_related("call")
        ),
        "events": activity_log(sketch),
        "can_edit": can_edit and SKETCH.is_editable(sketch),
        "can_submit": can_edit and SKETCH.allows(sketch, SketchState.SUBMITTED),
        "can_withdraw": can_edit and SKETCH.allows(sketch, SketchState.WITHDRAWN),
        "can_apply": can_edit and application is None and application_start_refusal(sketch) is None,
        "can_follow_up": can_follow_up,
        "open_calls": list(Call.objects.open_for_sketches()) if can_follow_up else [],
        "can_decide": access.can_manage_cases(user) and awaits_council(sketch),
        "show_members": access.can_see_council_members(user),
        "today": timezone.localdate(),
        "thread": case_thread(user, sketch, "sketches"),
    }


def version_numbers(application: Application) -> list[int]:
    return list(application.versions.values_list("number", flat=True))


def version_page(version: ApplicationVersion) -> dict:
    """A submitted version as it was sent (``version.application``: the case, loaded with its
    access check), with the numbers of the case's other versions."""
    return {
        "application": version.application,
        "version": version,
        "content": versions.present(version.content),
        "owner": version.content.get("owner"),
        "numbers": version_numbers(version.application),
    }


def comparison_page(application: Application, old: int, new: int, numbers: list[int]) -> dict:
    """Two of the case's versions (numbers among ``numbers``) compared field by field."""
    found = {
        v.number: v
        for v in ApplicationVersion.objects.select_related("submitted_by").filter(
            application=application, number__in=[old, new]
        )
    }
    return {
        "application": application,
        "old": found[old],
        "new": found[new],
        "diff": versions.compare(found[old].content, found[new].content),
        "numbers": numbers,
    }


def _tables(application: Application) -> dict:
    return {
        "participants": application.participants.select_related("organisation"),
        "activities": application.activities.all(),
        "milestones": application.milestones.all(),
        "indicators": application.indicators.all(),
        "savings": application.savings.select_related("organisation"),
        "budget": application.budget.select_related("recipient"),
    }


def application_tables(application: Application, **more) -> dict:
    """The draft's rows with the names the templates show (and the lists ``more``), read in
    one query."""
    return together(**_tables(application), **more)


def application_page(user, application: Application) -> dict:
    """The application page: its plans and tables, attachments and versions, the council's
    recommendation and the board's decision, the scientific statements shared with the
    applicant (numbered, never named), the log, and what the reader may do."""
    can_edit = access.can_edit_case(user, application)
    editable = can_edit and APPLICATION.is_editable(application)
    tables = application_tables(
        application, attachments=application.attachments.filter(removed_at__isnull=True)
    )
    window = application.reclaim_window_estimate()
    shared = list(
        ReviewStatement.objects.filter(
            assignment__application=application, shared_at__isnull=False
        ).order_by("version", "submitted_at", "pk")
    )
    return {
        "can_read_sketch": IdeaSketch.objects.visible_to(user)
        .filter(pk=application.sketch_id)
        .exists(),
        "can_read_review": access.can_read_review(user, application),
        "recommendation": CouncilRecommendation.objects.filter(application=application)
        .select_related("meeting")
        .prefetch_related("years")
        .first(),
        "board_decision": BoardDecision.objects.filter(application=application)
        .prefetch_related("years")
        .first(),
        # Shown to the applicant without the reviewers' names, numbered instead.
        "shared_statements": list(enumerate(shared, start=1)),
        "application": application,
        **tables,
        **split_participants(tables["participants"]),
        "savings": [(row, window is not None and row.year in window) for row in tables["savings"]],
        "window": window,
        "budget_summary": budget_totals(tables["budget"]),
        "versions": list(
            application.versions.select_related("submitted_by").only(
                "number", "submitted_at", "submitted_by__full_name", "application_id"
            )
        ),
        "events": activity_log(application),
        "problems": problems_on_submit(application) if editable else [],
        "can_edit": editable,
        "can_submit": can_edit and APPLICATION.allows(application, ApplicationState.SUBMITTED),
        "can_withdraw": can_edit and APPLICATION.allows(application, ApplicationState.WITHDRAWN),
        "can_request_revision": access.can_manage_cases(user)
        and APPLICATION.allows(application, ApplicationState.REVISION_REQUESTED),
        "thread": case_thread(user, application, "applications"),
        # Later stages of the case (its project), as the apps above this one registered them.
        "later_stages": [
            link
            for link in links.stages_of(application.registration_id)
            if link.stage not in ("sketch", "application")
        ],
    }


def open_cases_of(organisation_id: int):
    """The sketches and applications of the organisation (as lead owner, co-owner or partner)
    that are still open: a sketch not yet decided, or applicable with no application written
    from it yet; an application not yet decided by the board."""
    involved = Q(owner_id=organisation_id) | Q(participants__organisation_id=organisation_id)
    sketches = (
        IdeaSketch.objects.filter(involved)
        .filter(
            Q(state__in=SKETCH.open_states)
            | Q(
                ~Exists(Application.objects.filter(sketch=OuterRef("pk"))),
                state=SketchState.APPLICABLE,
            )
        )
        .distinct()
        .order_by("pk")
    )
    applications = (
        Application.objects.filter(involved)
        .filter(state__in=APPLICATION.open_states)
        .distinct()
        .order_by("pk")
    )
    return sketches, applications
