"""Idea sketches: create, update, submit, withdraw; council meetings and applicability
decisions (conflicts, quorum, concurrency); the e-mails and events they leave behind."""

from __future__ import annotations

import datetime as dt
import re
import threading
import time
from contextlib import contextmanager

import pytest
from django.db import connection
from django.utils import timezone
from django.utils.text import capfirst

from applications import services
from applications.models import ApplicabilityDecision, CouncilMeeting, IdeaSketch, SketchState
from applications.services import sketches as sketch_services
from core.errors import DomainError
from core.models import Event, OutboundEmail, RegistrationNumber, Role, User
from tests import factories
from tests.applications.conftest import SKETCH_FIELDS

pytestmark = pytest.mark.django_db

S = SketchState
OTHER_STATES = ["submitted", "applicable", "not_applicable", "withdrawn"]


def noon(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12)))


@contextmanager
def refused(code: str | None = None, field: str | None = None):
    """A DomainError with the given code and/or field."""
    with pytest.raises(DomainError) as info:
        yield info
    if code is not None:
        assert info.value.code == code, info.value.message
    if field is not None:
        assert info.value.field == field, info.value.message


def emails(kind: str) -> list[list[str]]:
    return sorted(OutboundEmail.objects.filter(kind=kind).values_list("to", flat=True))


@pytest.fixture
def submit(applicant):
    def do(sketch, **kwargs):
        return services.idea_sketch_submit(actor=applicant, sketch=sketch, **kwargs)

    return do


@pytest.fixture
def decide(fund_admin, meeting):
    def do(sketch, outcome="applicable", reason="Motiverat.", **kwargs):
        kwargs.setdefault("meeting", meeting)
        return services.applicability_decide(
            actor=fund_admin, sketch=sketch, outcome=outcome, reason=reason, **kwargs
        )

    return do


@pytest.fixture
def meeting_with(fund, fund_admin, council, today):
    """A meeting of the council and ``extra`` members, today unless ``held_on``."""

    def make(*extra, held_on=None):
        return services.council_meeting_create(
            actor=fund_admin, fund=fund, held_on=held_on or today, members=[*council, *extra]
        )

    return make


@pytest.fixture
def in_state(sketch, submit, decide, applicant):
    """Brings the ``sketch`` fixture to a state through the services."""

    def bring(state: str) -> IdeaSketch:
        if state != "draft":
            if state == "withdrawn":
                services.idea_sketch_withdraw(actor=applicant, sketch=sketch)
            else:
                submit(sketch)
                if state != "submitted":
                    decide(sketch, outcome=state)
        sketch.refresh_from_db()
        assert sketch.state == state
        return sketch

    return bring


def create(applicant, call, owner, **kwargs):
    return services.idea_sketch_create(
        actor=applicant, call=call, owner=owner, **{**SKETCH_FIELDS, **kwargs}
    )


# --- Create ------------------------------------------------------------------------------------


def test_create_in_an_open_call_makes_a_draft_with_participants(sketch, co_owner_org, nonprofit):
    assert sketch.state == S.DRAFT
    assert sketch.registration is None
    assert sketch.co_owners() == [co_owner_org]
    assert sketch.partners() == [nonprofit]


def test_create_refused_after_the_sketch_deadline(applicant, open_call, organisation):
    after = open_call.idea_sketch_deadline + dt.timedelta(days=1)
    with refused("call_closed"):
        create(applicant, open_call, organisation, today=after)
    assert create(applicant, open_call, organisation, today=open_call.idea_sketch_deadline)


def test_create_refused_in_a_cancelled_call(applicant, fund_admin, open_call, organisation):
    cancelled = services.call_cancel(actor=fund_admin, call=open_call, reason="Inställd.")
    with refused("call_closed"):
        create(applicant, cancelled, organisation)


@pytest.mark.parametrize(
    ("owner", "co_owners", "partners", "field"),
    [
        pytest.param("nonprofit", [], [], "owner", id="nonprofit-owner"),
        pytest.param("organisation", ["organisation"], [], "co_owners", id="owner-as-co-owner"),
        pytest.param("organisation", [], ["organisation"], "partners", id="owner-as-partner"),
        pytest.param("organisation", ["co_owner_org"], ["co_owner_org"], "partners", id="both"),
        pytest.param("organisation", ["nonprofit"], [], "co_owners", id="nonprofit-co-owner"),
    ],
)
def test_create_refused_for_wrong_participants(
    request, applicant, open_call, owner, co_owners, partners, field
):
    def org(name):
        return request.getfixturevalue(name)

    with refused(field=field):
        create(
            applicant,
            open_call,
            org(owner),
            co_owners=[org(n) for n in co_owners],
            partners=[org(n) for n in partners],
        )
    assert not IdeaSketch.objects.exists()


def test_previous_must_be_not_applicable(applicant, open_call, organisation, in_state, sketch):
    with refused("previous"):
        create(applicant, open_call, organisation, previous=sketch)  # a draft
    earlier = in_state("not_applicable")
    followup = create(applicant, open_call, organisation, previous=earlier)
    assert followup.previous == earlier


@pytest.mark.parametrize("state", ["returned", "applicable", "withdrawn"])
def test_previous_refused_in_other_states(applicant, open_call, organisation, in_state, state):
    with refused("previous"):
        create(applicant, open_call, organisation, previous=in_state(state))


# --- Update ------------------------------------------------------------------------------------


def updated(applicant, sketch, co_owner_org, nonprofit, **fields):
    return services.idea_sketch_update(
        actor=applicant,
        sketch=sketch,
        co_owners=[co_owner_org],
        partners=[nonprofit],
        **{**SKETCH_FIELDS, **fields},
    )


@pytest.mark.parametrize("state", ["draft", "returned", *OTHER_STATES])
def test_update_only_in_draft_or_returned(in_state, applicant, co_owner_org, nonprofit, state):
    sketch = in_state(state)
    if state in ("draft", "returned"):
        updated(applicant, sketch, co_owner_org, nonprofit, title="Ny titel")
    else:
        with refused("not_editable"):
            updated(applicant, sketch, co_owner_org, nonprofit, title="Ny titel")
    sketch.refresh_from_db()
    assert sketch.state == state
    assert sketch.title == (
        "Ny titel" if state in ("draft", "returned") else SKETCH_FIELDS["title"]
    )


def test_update_records_an_event_only_when_something_changed(
    sketch, applicant, co_owner_org, nonprofit
):
    def update_events():
        return Event.objects.for_target(sketch).filter(action="sketch.updated").count()

    updated(applicant, sketch, co_owner_org, nonprofit)
    assert update_events() == 0
    updated(applicant, sketch, co_owner_org, nonprofit, summary="Ändrad.")
    assert update_events() == 1
    services.idea_sketch_update(  # partner dropped: a change of participants only
        actor=applicant, sketch=sketch, co_owners=[co_owner_org], **SKETCH_FIELDS
    )
    assert update_events() == 2
    assert sketch.partners() == []


# --- Submit ------------------------------------------------------------------------------------


def test_first_submit_allocates_the_registration_number(sketch, submit, applicant):
    submit(sketch)
    sketch.refresh_from_db()
    assert sketch.state == S.SUBMITTED
    assert sketch.submitted_by == applicant
    assert str(sketch.registration) == f"SIF {timezone.localdate().year}/0001"


@pytest.mark.parametrize("days_after_deadline", [None, 5], ids=["in-time", "after-deadline"])
def test_a_returned_sketch_is_resubmitted_under_the_same_number(
    in_state, submit, open_call, days_after_deadline
):
    sketch = in_state("returned")
    number = str(sketch.registration)
    at = None
    if days_after_deadline is not None:
        at = noon(open_call.idea_sketch_deadline + dt.timedelta(days=days_after_deadline))
    submit(sketch, at=at)
    sketch.refresh_from_db()
    assert sketch.state == S.SUBMITTED
    assert str(sketch.registration) == number
    assert RegistrationNumber.objects.count() == 1


@pytest.mark.parametrize("state", OTHER_STATES)
def test_submit_refused_unless_draft_or_returned(in_state, submit, state):
    sketch = in_state(state)
    numbers = RegistrationNumber.objects.count()
    with refused("transition"):
        submit(sketch)
    sketch.refresh_from_db()
    assert sketch.state == state
    assert RegistrationNumber.objects.count() == numbers


def test_double_submit_is_refused_and_takes_no_second_number(sketch, submit):
    submit(sketch)
    with refused("transition"):
        submit(sketch)
    assert RegistrationNumber.objects.count() == 1


def test_incomplete_sketch_refused_with_the_missing_fields(applicant, open_call, organisation):
    bare = services.idea_sketch_create(
        actor=applicant, call=open_call, owner=organisation, title="Bara en titel"
    )
    with refused("incomplete") as info:
        services.idea_sketch_submit(actor=applicant, sketch=bare)
    for name in ("summary", "contact_email", "estimated_amount"):
        assert str(capfirst(IdeaSketch._meta.get_field(name).verbose_name)) in info.value.message
    phone = str(capfirst(IdeaSketch._meta.get_field("contact_phone").verbose_name))
    assert phone not in info.value.message
    bare.refresh_from_db()
    assert bare.state == S.DRAFT
    assert bare.registration is None


def test_the_submit_page_lists_each_missing_field_once_as_a_link_to_it(
    client, applicant, open_call, organisation
):
    bare = services.idea_sketch_create(
        actor=applicant, call=open_call, owner=organisation, title="Bara en titel"
    )
    client.force_login(applicant)
    page = client.get(f"/sketches/{bare.pk}/submit/").content.decode()
    form = client.get(f"/sketches/{bare.pk}/edit/").content.decode()
    missing = page.split('id="missing-fields"', 1)[1].split("</ul>", 1)[0]
    items = re.findall(r'<li><a href="/sketches/\d+/edit/#(id_\w+)">([^<]+)</a></li>', missing)
    assert missing.count("<li>") == len(items) == len(SKETCH_FIELDS) - 2  # title and telephone
    assert ("id_contact_email", "Kontaktpersonens e-postadress") in items
    for anchor, _label in items:
        assert f'id="{anchor}"' in form


def test_a_draft_cannot_be_submitted_after_the_deadline(sketch, submit, open_call):
    after = noon(open_call.idea_sketch_deadline + dt.timedelta(days=1))
    with refused("deadline_passed"):
        submit(sketch, at=after)
    submit(sketch, at=noon(open_call.idea_sketch_deadline))  # the last day itself is open


# --- Withdraw ----------------------------------------------------------------------------------


@pytest.mark.parametrize("state", ["draft", "submitted", "returned"])
def test_withdraw_allowed_before_a_final_decision(in_state, applicant, state):
    sketch = services.idea_sketch_withdraw(actor=applicant, sketch=in_state(state))
    assert sketch.state == S.WITHDRAWN
    assert sketch.withdrawn_at is not None


@pytest.mark.parametrize("state", ["applicable", "not_applicable", "withdrawn"])
def test_withdraw_refused_from_a_final_state(in_state, applicant, state):
    with refused("transition"):
        services.idea_sketch_withdraw(actor=applicant, sketch=in_state(state))
    assert IdeaSketch.objects.get().state == state


# --- Council meetings --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("held_on", "members", "field"),
    [
        pytest.param("tomorrow", "council", "held_on", id="future"),
        pytest.param("before_fund", "council", "held_on", id="before-fund-start"),
        pytest.param("today", "nobody", "members", id="no-members"),
        pytest.param("today", "with_applicant", "members", id="not-a-council-member"),
    ],
)
def test_meeting_refused(fund, fund_admin, council, applicant, today, held_on, members, field):
    days = {
        "today": today,
        "tomorrow": today + dt.timedelta(days=1),
        "before_fund": fund.started_on - dt.timedelta(days=1),
    }
    people = {"council": council, "nobody": [], "with_applicant": [*council, applicant]}
    with refused(field=field) as info:
        services.council_meeting_create(
            actor=fund_admin, fund=fund, held_on=days[held_on], members=people[members]
        )
    if members == "with_applicant":
        assert applicant.full_name in info.value.message
    assert not fund.council_meetings.exists()


# --- Applicability decisions -------------------------------------------------------------------


@pytest.mark.parametrize("outcome", ["applicable", "not_applicable", "returned"])
def test_each_outcome_sets_the_state(sketch, submit, decide, council, outcome):
    submit(sketch)
    decision = decide(sketch, outcome=outcome, reason="  Skäl.  ")
    sketch.refresh_from_db()
    assert sketch.state == outcome
    assert sketch.decided_at is not None
    assert decision.reason == "Skäl."
    assert decision.outcome == outcome
    assert set(decision.taking_part.all()) == set(council)
    assert not decision.conflicts.exists()


def test_decision_needs_a_reason(sketch, submit, decide):
    submit(sketch)
    with refused(field="reason"):
        decide(sketch, reason="   ")
    sketch.refresh_from_db()
    assert sketch.state == S.SUBMITTED


@pytest.mark.parametrize(
    "state", ["draft", "returned", "applicable", "not_applicable", "withdrawn"]
)
def test_decision_refused_unless_submitted(in_state, decide, state):
    with refused("transition"):
        decide(in_state(state))


def test_second_decision_on_the_same_submission_refused(sketch, submit, decide):
    submit(sketch)
    decide(sketch, outcome="not_applicable")
    with refused("transition"):
        decide(sketch, outcome="applicable")
    assert ApplicabilityDecision.objects.count() == 1


def test_members_of_the_case_organisations_take_no_part(
    sketch, submit, decide, meeting_with, council, organisation, co_owner_org, nonprofit
):
    insiders = [
        factories.person(Role.COUNCIL_MEMBER, organisation=org, name=f"Jävig {org.short_name}")
        for org in (organisation, co_owner_org, nonprofit)
    ]
    meeting = meeting_with(*insiders)
    submit(sketch)
    decision = decide(sketch, meeting=meeting)
    conflicts = {c.member: c.kind for c in decision.conflicts.all()}
    assert conflicts == dict.fromkeys(insiders, "organisation")
    assert set(decision.taking_part.all()) == set(council)


def test_a_declared_conflict_takes_no_part(sketch, submit, decide, council):
    submit(sketch)
    decision = decide(sketch, declared_conflicts={council[0]: " Gift med projektledaren "})
    conflict = decision.conflicts.get()
    assert (conflict.member, conflict.kind, conflict.text) == (
        council[0],
        "declared",
        "Gift med projektledaren",
    )
    assert set(decision.taking_part.all()) == set(council[1:])


def test_only_members_present_can_declare_a_conflict(sketch, submit, decide, applicant):
    submit(sketch)
    with refused(field="declared_conflicts"):
        decide(sketch, declared_conflicts={applicant: "Inte där"})


def test_no_quorum_when_every_member_present_is_in_conflict(
    sketch, submit, decide, meeting_with, council, organisation
):
    insider = factories.person(Role.COUNCIL_MEMBER, organisation=organisation, name="Jävig")
    meeting = meeting_with(insider)
    submit(sketch)
    with refused("no_quorum"):
        decide(sketch, meeting=meeting, declared_conflicts=dict.fromkeys(council, "Jäv"))
    sketch.refresh_from_db()
    assert sketch.state == S.SUBMITTED
    assert not ApplicabilityDecision.objects.exists()


def test_a_meeting_held_before_the_submission_cannot_decide(
    sketch, submit, decide, meeting_with, today
):
    earlier = meeting_with(held_on=today - dt.timedelta(days=1))
    submit(sketch)
    with refused(field="meeting"):
        decide(sketch, meeting=earlier)


# --- Concurrency -------------------------------------------------------------------------------


def _decide_concurrently(sketch_pk, meeting_pk, actor_pk) -> tuple[list, list]:
    barrier = threading.Barrier(2)
    results, errors = [], []

    def work(outcome):
        try:
            sketch = IdeaSketch.objects.get(pk=sketch_pk)
            meeting = CouncilMeeting.objects.get(pk=meeting_pk)
            actor = User.objects.get(pk=actor_pk)
            barrier.wait(timeout=10)
            results.append(
                services.applicability_decide(
                    actor=actor, sketch=sketch, meeting=meeting, outcome=outcome, reason="Skäl."
                )
            )
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(o,)) for o in ("applicable", "returned")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results, errors


def _slow(monkeypatch, lock):
    """Hold each transaction open after reading the sketch, so that the two overlap."""

    def slow_lock(sketch):
        locked = lock(sketch)
        time.sleep(0.3)
        return locked

    monkeypatch.setattr(sketch_services, "sketch_lock", slow_lock)


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_decisions_record_exactly_one(
    monkeypatch, sketch, submit, meeting, fund_admin
):
    submit(sketch)
    _slow(monkeypatch, sketch_services.sketch_lock)
    results, errors = _decide_concurrently(sketch.pk, meeting.pk, fund_admin.pk)
    assert len(results) == 1
    assert len(errors) == 1
    assert isinstance(errors[0], DomainError)
    assert errors[0].code == "transition"
    assert ApplicabilityDecision.objects.filter(sketch=sketch).count() == 1
    sketch.refresh_from_db()
    assert sketch.state == results[0].outcome


@pytest.mark.django_db(transaction=True)
def test_without_the_row_lock_the_same_race_records_two(
    monkeypatch, sketch, submit, meeting, fund_admin
):
    """Shows that the test above can fail: reading without FOR UPDATE lets both decide."""
    submit(sketch)
    _slow(monkeypatch, lambda s: IdeaSketch.objects.select_related("call__fund").get(pk=s.pk))
    results, errors = _decide_concurrently(sketch.pk, meeting.pk, fund_admin.pk)
    assert errors == []
    assert len(results) == 2
    assert ApplicabilityDecision.objects.filter(sketch=sketch).count() == 2


# --- Notifications (one test per row of the README table) --------------------------------------


def test_submitted_sketch_sends_receipt_and_tells_fund_admins(
    sketch, submit, applicant, fund_admin, other_fund_admin, council
):
    submit(sketch)
    assert emails("sketch_receipt") == [[applicant.email]]
    assert emails("sketch_submitted") == sorted([[fund_admin.email], [other_fund_admin.email]])
    receipt = OutboundEmail.objects.get(kind="sketch_receipt")
    sketch.refresh_from_db()
    assert str(sketch.registration) in receipt.subject


def test_withdrawn_after_submission_tells_fund_admins(
    sketch, submit, applicant, fund_admin, other_fund_admin
):
    submit(sketch)
    services.idea_sketch_withdraw(actor=applicant, sketch=sketch)
    assert emails("sketch_withdrawn") == sorted([[fund_admin.email], [other_fund_admin.email]])


def test_withdrawn_draft_sends_nothing(sketch, applicant):
    services.idea_sketch_withdraw(actor=applicant, sketch=sketch)
    assert not OutboundEmail.objects.exists()


@pytest.mark.parametrize(
    ("outcome", "kind"),
    [
        ("applicable", "sketch_applicable"),
        ("not_applicable", "sketch_not_applicable"),
        ("returned", "sketch_returned"),
    ],
)
def test_decision_tells_submitter_and_contact_with_the_reason(
    sketch, submit, decide, applicant, outcome, kind
):
    submit(sketch)
    decide(sketch, outcome=outcome, reason="Rådet motiverar så här.")
    assert emails(kind) == sorted([[applicant.email], [SKETCH_FIELDS["contact_email"]]])
    for email in OutboundEmail.objects.filter(kind=kind):
        assert "Rådet motiverar så här." in email.body


# --- Events ------------------------------------------------------------------------------------


def transitions(sketch) -> list[tuple]:
    return [
        (e.action, e.actor, e.from_state, e.to_state)
        for e in list(Event.objects.for_target(sketch))[::-1]
    ]


def test_events_record_actor_and_states_of_each_transition(
    sketch, submit, decide, applicant, fund_admin
):
    submit(sketch)
    decide(sketch, outcome="returned", reason="Komplettera.")
    submit(sketch)
    services.idea_sketch_withdraw(actor=applicant, sketch=sketch, reason=" Ändrade planer ")
    assert transitions(sketch) == [
        ("sketch.created", applicant, "", "draft"),
        ("sketch.submitted", applicant, "draft", "submitted"),
        ("sketch.decided", fund_admin, "submitted", "returned"),
        ("sketch.submitted", applicant, "returned", "submitted"),
        ("sketch.withdrawn", applicant, "submitted", "withdrawn"),
    ]
    events = Event.objects.for_target(sketch)
    assert events.get(action="sketch.withdrawn").comment == "Ändrade planer"
    assert events.get(action="sketch.decided").comment == "Komplettera."
    assert {e.data["number"] for e in events.filter(action="sketch.submitted")} == {
        str(IdeaSketch.objects.get(pk=sketch.pk).registration)
    }


def test_the_case_list_filter_finds_by_number_title_and_organisation(
    sketch, applicant, co_owner_org
):
    services.idea_sketch_submit(actor=applicant, sketch=sketch)
    sketch.refresh_from_db()
    number = str(sketch.registration)
    assert list(IdeaSketch.objects.matching(search=number)) == [sketch]
    assert list(IdeaSketch.objects.matching(search="läsfrämjande")) == [sketch]
    assert list(IdeaSketch.objects.matching(organisation=co_owner_org)) == [sketch]
    assert not IdeaSketch.objects.matching(organisation=factories.OrganisationFactory()).exists()
    assert not IdeaSketch.objects.matching(state="draft").exists()
