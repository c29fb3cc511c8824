"""Sketch, council and application pages cost the same number of queries with N related rows
as with 10N: the lists, the case pages, the draft's form, a version, a comparison of two
versions and the applicant's start page.

Rows are grown directly with the models where the services would only add cost; decisions go
through the services so that their members and conflicts are recorded as in use."""

import datetime as dt
import itertools

import pytest
from django.urls import reverse
from django.utils import timezone

from applications import services, versions
from applications.models import (
    Activity,
    ApplicabilityDecision,
    ApplicabilityOutcome,
    Application,
    ApplicationAttachment,
    ApplicationParticipant,
    ApplicationState,
    ApplicationVersion,
    BudgetRow,
    IdeaSketch,
    Indicator,
    Milestone,
    ParticipantRole,
    SavingsRow,
    SketchParticipant,
    SketchState,
)
from core.models import Event, OrganisationKind, Role
from core.services.registration import registration_number_allocate
from tests import factories

pytestmark = pytest.mark.django_db

_numbers = itertools.count()


# --- Helpers ---------------------------------------------------------------------------------


def _org(kind=OrganisationKind.DISTRICT_COMMITTEE):
    return factories.OrganisationFactory(name=f"Förvaltning {next(_numbers)}", kind=kind)


def _sketch(call, owner, creator, state=SketchState.DRAFT, **fields):
    """A sketch made directly; any state but a draft has its registration number."""
    number = next(_numbers)
    registered = state != SketchState.DRAFT
    sketch = IdeaSketch.objects.create(
        call=call,
        owner=owner,
        created_by=creator,
        state=state,
        title=f"Idéskiss {number}",
        summary="Sammanfattning.",
        problem_and_target_group="Målgrupp.",
        complements_ordinary_work="Kompletterar.",
        estimated_amount=1_000_000,
        estimated_years=2,
        contact_name="Ada Sökande",
        contact_email="ada@test.example",
        submitted_at=timezone.now() if registered else None,
        submitted_by=creator if registered else None,
        **fields,
    )
    if registered:
        sketch.registration = registration_number_allocate(
            fund=call.fund, counterpart=owner, subject=sketch.title, case=sketch
        )
        sketch.save(update_fields=["registration"])
    return sketch


def _application(call, owner, creator, state=ApplicationState.DRAFT) -> Application:
    """An application made directly, from an applicable sketch of its own."""
    sketch = _sketch(call, owner, creator, state=SketchState.APPLICABLE)
    submitted = state != ApplicationState.DRAFT
    return Application.objects.create(
        sketch=sketch,
        call=call,
        owner=owner,
        registration=sketch.registration,
        title=sketch.title,
        summary=sketch.summary,
        amount_requested=1_000_000,
        state=state,
        current_version=1 if submitted else 0,
        submitted_at=timezone.now() if submitted else None,
        revision_message="Förtydliga budgeten."
        if state == ApplicationState.REVISION_REQUESTED
        else "",
        created_by=creator,
    )


def _event(target, actor, action, **data):
    return Event.objects.create(
        actor=actor, action=action, target=target, data=data, comment="Kommentar."
    )


@pytest.fixture
def viewer(request, client):
    """A client logged in as the person named by the test's parameter."""
    client.force_login(request.getfixturevalue(request.param))
    return client


BOTH = pytest.mark.parametrize("viewer", ["fund_admin", "applicant"], indirect=True)


# --- Lists -----------------------------------------------------------------------------------


SKETCH_STATES = itertools.cycle(list(SketchState))


@pytest.fixture
def grow_sketches(open_call, applicant, organisation):
    """Sketches the applicant's organisation owns, and others it is a partner of."""

    def grow(count):
        for n in range(count):
            other = _org()
            if n % 2:
                sketch = _sketch(open_call, organisation, applicant, next(SKETCH_STATES))
                SketchParticipant.objects.create(
                    sketch=sketch, organisation=other, role=ParticipantRole.CO_OWNER
                )
            else:
                sketch = _sketch(open_call, other, applicant, next(SKETCH_STATES))
                SketchParticipant.objects.create(
                    sketch=sketch, organisation=organisation, role=ParticipantRole.PARTNER
                )

    return grow


@BOTH
def test_sketch_list(viewer, grow_sketches, assert_same_at_n_and_10n):
    assert_same_at_n_and_10n(viewer, "/sketches/", grow_sketches)
    assert len(viewer.get("/sketches/").context["page"].object_list) == 30


APPLICATION_STATES = itertools.cycle(list(ApplicationState))


@pytest.fixture
def grow_applications(open_call, applicant, organisation):
    def grow(count):
        for n in range(count):
            other = _org()
            if n % 2:
                application = _application(
                    open_call, organisation, applicant, next(APPLICATION_STATES)
                )
                ApplicationParticipant.objects.create(
                    application=application, organisation=other, role=ParticipantRole.CO_OWNER
                )
            else:
                application = _application(open_call, other, applicant, next(APPLICATION_STATES))
                ApplicationParticipant.objects.create(
                    application=application,
                    organisation=organisation,
                    role=ParticipantRole.PARTNER,
                )

    return grow


@BOTH
def test_application_list(viewer, grow_applications, assert_same_at_n_and_10n):
    assert_same_at_n_and_10n(viewer, "/applications/", grow_applications)
    assert len(viewer.get("/applications/").context["page"].object_list) == 30


# --- The council -----------------------------------------------------------------------------


OUTCOMES = itertools.cycle(list(ApplicabilityOutcome))


def test_meeting_list(
    admin_client, fund, fund_admin, council, open_call, organisation, assert_same_at_n_and_10n
):
    today = timezone.localdate()

    def grow(count):
        for n in range(count):
            meeting = services.council_meeting_create(
                actor=fund_admin,
                fund=fund,
                held_on=today - dt.timedelta(days=n),
                members=council[: 1 + n % 3],
                note="Anteckning.",
            )
            sketch = _sketch(open_call, organisation, fund_admin, SketchState.SUBMITTED)
            ApplicabilityDecision.objects.create(
                sketch=sketch,
                meeting=meeting,
                outcome=next(OUTCOMES),
                reason="Skäl.",
                recorded_by=fund_admin,
            )

    assert_same_at_n_and_10n(admin_client, "/council/meetings/", grow)
    assert len(admin_client.get("/council/meetings/").context["page"].object_list) == 30


@pytest.fixture
def conflicted_member(co_owner_org):
    """A council member from the co-owner's side: takes no part in that case's decisions."""
    return factories.person(Role.COUNCIL_MEMBER, organisation=co_owner_org, name="Jävig Ledamot")


@pytest.fixture
def full_meeting(fund, fund_admin, council, conflicted_member):
    return services.council_meeting_create(
        actor=fund_admin,
        fund=fund,
        held_on=timezone.localdate(),
        members=[*council, conflicted_member],
    )


def test_meeting_detail(
    admin_client,
    full_meeting,
    fund_admin,
    applicant,
    open_call,
    co_owner_org,
    council,
    assert_same_at_n_and_10n,
):
    """N sketches waiting for a decision and N decisions (with conflicts) at the meeting."""

    def grow(count):
        for n in range(count):
            owner = _org()
            waiting = _sketch(open_call, owner, applicant, SketchState.SUBMITTED)
            SketchParticipant.objects.create(
                sketch=waiting, organisation=co_owner_org, role=ParticipantRole.CO_OWNER
            )
            decided = _sketch(open_call, owner, applicant, SketchState.SUBMITTED)
            SketchParticipant.objects.create(
                sketch=decided, organisation=co_owner_org, role=ParticipantRole.CO_OWNER
            )
            services.applicability_decide(
                actor=fund_admin,
                sketch=decided,
                meeting=full_meeting,
                outcome=next(OUTCOMES),
                reason=f"Skäl {n}.",
                declared_conflicts={council[n % 3]: "Närstående."},
            )

    url = f"/council/meetings/{full_meeting.pk}/"
    assert_same_at_n_and_10n(admin_client, url, grow)
    page = admin_client.get(url)
    assert len(page.context["waiting"]) == 30
    assert len(page.context["decisions"]) == 30


@pytest.fixture
def submitted_sketch(sketch, applicant):
    return services.idea_sketch_submit(actor=applicant, sketch=sketch)


def test_sketch_decide_with_many_members_present(
    admin_client, full_meeting, submitted_sketch, co_owner_org, assert_same_at_n_and_10n
):
    """N members present, some from the case's organisations (in conflict), some free."""

    def grow(count):
        for n in range(count):
            member = factories.person(
                Role.COUNCIL_MEMBER, organisation=co_owner_org if n % 2 else _org()
            )
            full_meeting.members_present.add(member)

    url = f"/council/meetings/{full_meeting.pk}/sketches/{submitted_sketch.pk}/"
    assert_same_at_n_and_10n(admin_client, url, grow)
    page = admin_client.get(url)
    assert len(page.context["free"]) + len(page.context["conflicted"]) == 4 + 30


def test_sketch_decide_with_many_participants(
    admin_client, full_meeting, submitted_sketch, assert_same_at_n_and_10n
):
    """The decision page shows the sketch, with its co-owners and partners."""

    def grow(count):
        for n in range(count):
            partner = n % 2 == 0
            SketchParticipant.objects.create(
                sketch=submitted_sketch,
                organisation=_org(OrganisationKind.NONPROFIT) if partner else _org(),
                role=ParticipantRole.PARTNER if partner else ParticipantRole.CO_OWNER,
            )

    url = f"/council/meetings/{full_meeting.pk}/sketches/{submitted_sketch.pk}/"
    assert_same_at_n_and_10n(admin_client, url, grow)
    page = admin_client.get(url)
    assert len(page.context["co_owners"]) + len(page.context["partners"]) == 2 + 30


# --- The sketch's case page ------------------------------------------------------------------


@BOTH
def test_sketch_detail_with_many_participants(viewer, sketch, assert_same_at_n_and_10n):
    def grow(count):
        for n in range(count):
            partner = n % 2 == 0
            SketchParticipant.objects.create(
                sketch=sketch,
                organisation=_org(OrganisationKind.NONPROFIT) if partner else _org(),
                role=ParticipantRole.PARTNER if partner else ParticipantRole.CO_OWNER,
            )

    url = f"/sketches/{sketch.pk}/"
    assert_same_at_n_and_10n(viewer, url, grow)
    page = viewer.get(url)
    assert len(page.context["co_owners"]) + len(page.context["partners"]) == 2 + 30


@BOTH
def test_sketch_detail_with_many_decisions(
    viewer,
    sketch,
    applicant,
    fund,
    fund_admin,
    council,
    conflicted_member,
    assert_same_at_n_and_10n,
):
    """Returned for completion and submitted again, N times, at alternating meetings; every
    decision has members taking part and a conflict (by organisation, sometimes declared)."""
    meetings = [
        services.council_meeting_create(
            actor=fund_admin,
            fund=fund,
            held_on=timezone.localdate(),
            members=[*council, conflicted_member],
        )
        for _ in range(2)
    ]
    made = itertools.count()

    def grow(count):
        for _ in range(count):
            n = next(made)
            services.idea_sketch_submit(actor=applicant, sketch=sketch)
            services.applicability_decide(
                actor=fund_admin,
                sketch=sketch,
                meeting=meetings[n % 2],
                outcome=ApplicabilityOutcome.RETURNED,
                reason=f"Komplettera del {n}.",
                declared_conflicts={council[0]: "Närstående."} if n % 2 else None,
            )

    url = f"/sketches/{sketch.pk}/"
    assert_same_at_n_and_10n(viewer, url, grow)
    assert len(viewer.get(url).context["decisions"]) == 30


@BOTH
def test_sketch_detail_with_many_events(
    viewer, sketch, applicant, fund_admin, assert_same_at_n_and_10n
):
    def grow(count):
        for n in range(count):
            actor = [applicant, fund_admin, None][n % 3]
            _event(sketch, actor, "sketch.updated", fields=f"titel {n}")

    url = f"/sketches/{sketch.pk}/"
    assert_same_at_n_and_10n(viewer, url, grow)
    assert len(viewer.get(url).context["events"]) == 1 + 30


@BOTH
def test_sketch_detail_with_many_followups(
    viewer, submitted_sketch, applicant, fund_admin, meeting, organisation, assert_same_at_n_and_10n
):
    """A sketch judged not applicable, taken up again by N later sketches."""
    services.applicability_decide(
        actor=fund_admin,
        sketch=submitted_sketch,
        meeting=meeting,
        outcome=ApplicabilityOutcome.NOT_APPLICABLE,
        reason="Inte en social investering.",
    )

    def grow(count):
        for n in range(count):
            state = SketchState.SUBMITTED if n % 2 else SketchState.DRAFT
            _sketch(
                submitted_sketch.call, organisation, applicant, state, previous=submitted_sketch
            )

    url = f"/sketches/{submitted_sketch.pk}/"
    assert_same_at_n_and_10n(viewer, url, grow)
    assert len(viewer.get(url).context["followups"]) == 30


# --- The application's tables ----------------------------------------------------------------


def _add_row(application, table: str, actor, *, recipients=None, live=False):
    """One row of ``table`` (a related name of Application, or "events"). Every third
    attachment has been removed from the draft, unless ``live``."""
    number = next(_numbers)
    year = timezone.localdate().year
    if table == "participants":
        partner = number % 2 == 0
        return ApplicationParticipant.objects.create(
            application=application,
            organisation=_org(OrganisationKind.NONPROFIT) if partner else _org(),
            role=ParticipantRole.PARTNER if partner else ParticipantRole.CO_OWNER,
        )
    if table == "activities":
        return Activity.objects.create(
            application=application,
            title=f"Aktivitet {number}",
            description="Beskrivning.",
            starts_on=dt.date(year, 1, 1),
            ends_on=dt.date(year, 12, 31),
        )
    if table == "milestones":
        return Milestone.objects.create(
            application=application, title=f"Delmål {number}", due_on=dt.date(year, 6, 1)
        )
    if table == "indicators":
        return Indicator.objects.create(
            application=application,
            name=f"Indikator {number}",
            unit="%",
            baseline=10,
            target=20,
            data_source="SCB",
        )
    if table == "savings":
        return SavingsRow.objects.create(
            application=application,
            organisation=_org(),
            year=year + 2 + number % 6,
            amount=100_000,
            assumptions="Färre placeringar.",
        )
    if table == "budget":
        # The owner and the co-owner: recipients the fund may pay (unless told otherwise).
        choices = recipients or [application.owner, *_co_owners(application)]
        return BudgetRow.objects.create(
            application=application,
            year=year,
            recipient=choices[number % len(choices)],
            cost_type="develop",
            funding_source=["fund", "own", "esf", "other"][number % 4],
            amount=10_000,
            note="Lön.",
        )
    if table == "attachments":
        return ApplicationAttachment.objects.create(
            application=application,
            title=f"Bilaga {number}",
            file=f"applications/applicationattachment/{number:032x}.pdf",
            original_name=f"bilaga-{number}.pdf",
            content_type="application/pdf",
            size=2048 + number,
            uploaded_by=actor,
            removed_at=timezone.now() if number % 3 == 0 and not live else None,
        )
    if table == "versions":
        last = application.versions.order_by("-number").first()
        return ApplicationVersion.objects.create(
            application=application,
            number=(last.number if last else 0) + 1,
            submitted_by=actor,
            content=last.content if last else versions.snapshot(application),
        )
    if table == "events":
        return _event(application, actor, "application.updated", fields=f"budget {number}")
    raise AssertionError(table)


def _co_owners(application):
    return [
        p.organisation
        for p in application.participants.select_related("organisation")
        if p.role == ParticipantRole.CO_OWNER
    ]


DETAIL_TABLES = [
    "budget",
    "savings",
    "indicators",
    "milestones",
    "activities",
    "participants",
    "attachments",
    "versions",
    "events",
]


@BOTH
@pytest.mark.parametrize("table", DETAIL_TABLES)
def test_application_detail(
    viewer, table, complete_application, applicant, assert_same_at_n_and_10n
):
    """A draft (the applicant may edit it, so what stops submitting is worked out too)."""

    def grow(count):
        for _ in range(count):
            _add_row(complete_application, table, applicant)

    assert_same_at_n_and_10n(viewer, f"/applications/{complete_application.pk}/", grow)


@BOTH
def test_application_detail_with_budget_naming_other_recipients(
    viewer, complete_application, applicant, assert_same_at_n_and_10n
):
    """Budget rows for organisations that are not the owner, a co-owner or a partner: the
    page says the fund cannot pay them, by name."""

    def grow(count):
        for _ in range(count):
            _add_row(complete_application, "budget", applicant, recipients=[_org()])

    url = f"/applications/{complete_application.pk}/"
    assert_same_at_n_and_10n(viewer, url, grow)


@pytest.mark.parametrize(
    "table", ["budget", "savings", "indicators", "milestones", "activities", "participants"]
)
def test_application_edit(client, applicant, table, complete_application, assert_same_at_n_and_10n):
    client.force_login(applicant)

    def grow(count):
        for _ in range(count):
            _add_row(complete_application, table, applicant)

    url = f"/applications/{complete_application.pk}/edit/"
    assert_same_at_n_and_10n(client, url, grow)
    if table != "participants":
        forms = client.get(url).context["tables"]
        formset = next(formset for name, _title, formset in forms if name == table)
        assert len(formset.initial_forms) >= 30


# --- Versions --------------------------------------------------------------------------------


VERSION_TABLES = [
    "budget",
    "savings",
    "indicators",
    "milestones",
    "activities",
    "participants",
    "attachments",
]


@pytest.fixture
def submitted_application(complete_application, applicant):
    services.application_submit(actor=applicant, application=complete_application)
    complete_application.refresh_from_db()
    return complete_application


def _refreeze(version):
    """Let a version hold the draft as it now stands (a test's shortcut: versions never change
    in use)."""
    ApplicationVersion.objects.filter(pk=version.pk).update(
        content=versions.snapshot(version.application)
    )


@BOTH
def test_version_with_many_rows(viewer, submitted_application, applicant, assert_same_at_n_and_10n):
    version = submitted_application.versions.get(number=1)

    def grow(count):
        for _ in range(count):
            for table in VERSION_TABLES:
                _add_row(submitted_application, table, applicant)
        _refreeze(version)

    url = f"/applications/{submitted_application.pk}/versions/1/"
    assert_same_at_n_and_10n(viewer, url, grow)
    content = viewer.get(url).context["content"]
    budget = next(t for t in content.tables if t.table.name == "budget")
    assert len(budget.rows) == 2 + 30


@BOTH
def test_version_among_many_versions(
    viewer, submitted_application, applicant, assert_same_at_n_and_10n
):
    def grow(count):
        for _ in range(count):
            _add_row(submitted_application, "versions", applicant)

    url = f"/applications/{submitted_application.pk}/versions/1/"
    assert_same_at_n_and_10n(viewer, url, grow)
    assert len(viewer.get(url).context["numbers"]) == 1 + 30


CHANGED_FIELD = {
    "activities": ("title", "Ändrad aktivitet"),
    "milestones": ("title", "Ändrat delmål"),
    "indicators": ("target", 99),
    "savings": ("amount", 123_456),
    "budget": ("amount", 654_321),
    "participants": ("role", None),  # co-owner and partner swap
    "attachments": ("title", "Omdöpt bilaga"),
}


def _change(row, table):
    name, value = CHANGED_FIELD[table]
    if table == "participants":
        value = (
            ParticipantRole.PARTNER
            if row.role == ParticipantRole.CO_OWNER
            else ParticipantRole.CO_OWNER
        )
    setattr(row, name, value)
    row.save(update_fields=[name])


def _take_out(row, table):
    if table == "attachments":
        row.removed_at = timezone.now()
        row.save(update_fields=["removed_at"])
    else:
        row.delete()


@pytest.mark.parametrize("query", ["", "?all=1"])
@BOTH
def test_compare_with_many_changed_rows(
    viewer, query, submitted_application, applicant, assert_same_at_n_and_10n
):
    """Between version 1 and 2, in every table: N rows changed, N removed, N added."""
    application = submitted_application
    first = application.versions.get(number=1)
    base = first.content
    second = ApplicationVersion.objects.create(
        application=application, number=2, submitted_by=applicant, content=base
    )
    Application.objects.filter(pk=application.pk).update(current_version=2)
    before = {table: list(base[table]) for table in VERSION_TABLES}

    def grow(count):
        changing, leaving, fresh = [], [], set()
        for _ in range(count):
            for table in VERSION_TABLES:
                for rows in (changing, leaving):
                    row = _add_row(application, table, applicant, live=True)
                    rows.append((row, table))
                    fresh.add((table, row.pk))
        now = versions.snapshot(application)
        for table in VERSION_TABLES:
            before[table] += [row for row in now[table] if (table, row["key"]) in fresh]
        for row, table in changing:
            _change(row, table)
        for row, table in leaving:
            _take_out(row, table)
        for _ in range(count):
            for table in VERSION_TABLES:
                _add_row(application, table, applicant, live=True)
        ApplicationVersion.objects.filter(pk=first.pk).update(content={**base, **before})
        _refreeze(second)

    url = f"/applications/{application.pk}/compare/{query}"
    assert_same_at_n_and_10n(viewer, url, grow)
    diff = viewer.get(url).context["diff"]
    for table in diff.tables:
        statuses = [row.status for row in table.rows]
        counts = [statuses.count(status) for status in ("changed", "removed", "added")]
        assert counts == [30, 30, 30], table.table.name


# --- The start page --------------------------------------------------------------------------


def test_start_page_of_an_applicant_with_many_drafts(
    client, applicant, organisation, open_call, assert_same_at_n_and_10n
):
    """The cases waiting for the applicant (draft and returned sketches, applicable sketches
    without an application, draft applications and revisions asked for): the oldest five
    sketches and five applications listed, the others counted with a link to their list."""
    client.force_login(applicant)

    def grow(count):
        for _ in range(count):
            for state in (SketchState.DRAFT, SketchState.RETURNED, SketchState.APPLICABLE):
                _sketch(open_call, organisation, applicant, state)
            for state in (ApplicationState.DRAFT, ApplicationState.REVISION_REQUESTED):
                _application(open_call, organisation, applicant, state)

    assert_same_at_n_and_10n(client, "/", grow)
    sections = client.get("/").context["sections"]
    mine = next(section for section in sections if section.role == Role.APPLICANT)
    listed = [item for item in mine.actions if item.count is None]
    counted = [(item.count, item.url) for item in mine.actions if item.count is not None]
    assert len(listed) == 10
    assert counted == [
        (3 * 30 - 5, reverse("sketches:list")),
        (2 * 30 - 5, reverse("applications:list")),
    ]
