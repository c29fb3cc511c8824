"""Applications: started from an applicable sketch, edited with their tables, attached to,
submitted as frozen versions, returned for revision, withdrawn; compared; pages and e-mails."""

from __future__ import annotations

import copy
import datetime as dt
import itertools
import uuid
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from applications import services, states, versions
from applications.models import Activity, Application, ApplicationAttachment, ApplicationVersion
from applications.models import ApplicationState as A
from applications.selectors.cases import problems_on_submit
from core.errors import DomainError
from core.models import OutboundEmail
from core.money import format_kr
from tests import factories
from tests.applications.conftest import SKETCH_FIELDS

pytestmark = pytest.mark.django_db

PDF = (
    b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"
    b"1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
    b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n"
    b"trailer\n<< /Root 1 0 R >>\n%%EOF\n"
)
EXE = b"MZ\x90\x00" + b"\x00" * 1020
MB = 1024 * 1024
YEAR = timezone.localdate().year
TITLE = SKETCH_FIELDS["title"]


def noon(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12)))


def label(name: str) -> str:
    return str(Application._meta.get_field(name).verbose_name).capitalize()


def rows_of(application, name: str) -> list[dict]:
    """The table's rows as the service takes them (organisations as objects)."""
    return [
        {"pk": row.pk, **{column: getattr(row, column) for column in versions.ROW_TABLES[name]}}
        for row in getattr(application, name).all()
    ]


def update(application, actor, **changes):
    """Save the draft, keeping its co-owners and partners unless told otherwise."""
    participants = list(application.participants.select_related("organisation"))
    for role, key in (("co_owner", "co_owners"), ("partner", "partners")):
        changes.setdefault(key, [p.organisation for p in participants if p.role == role])
    saved = services.application_update(actor=actor, application=application, **changes)
    application.refresh_from_db()
    return saved


def submit(application, actor, **kwargs):
    return services.application_submit(actor=actor, application=application, **kwargs)


def request_revision(application, admin, message="Förtydliga budgeten."):
    revise = services.application_request_revision
    return revise(actor=admin, application=application, message=message)


def withdraw(application, actor, reason="Projektet läggs ner."):
    return services.application_withdraw(actor=actor, application=application, reason=reason)


def attach(application, actor, name, content, title=""):
    uploaded = SimpleUploadedFile(name, content, content_type="application/pdf")
    add = services.application_attachment_add
    return add(actor=actor, application=application, title=title, uploaded=uploaded)


def stored_files(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def body_of(response) -> bytes:
    return b"".join(response.streaming_content)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    root = tmp_path / "media"
    settings.MEDIA_ROOT = str(root)
    return root


@pytest.fixture
def ready(complete_application):
    """The submit-ready draft of the shared fixtures."""
    return complete_application


@pytest.fixture
def other_application(open_call, applicant, organisation, fund_admin, meeting):
    """A second application of the same owner, with one activity."""
    fields = SKETCH_FIELDS | {"title": "Simskola för nyanlända"}
    sketch = services.idea_sketch_create(
        actor=applicant, call=open_call, owner=organisation, **fields
    )
    services.idea_sketch_submit(actor=applicant, sketch=sketch)
    services.applicability_decide(
        actor=fund_admin, sketch=sketch, meeting=meeting, outcome="applicable", reason="Bra."
    )
    other = services.application_create(actor=applicant, sketch=sketch)
    row = {"pk": None, "title": "Simlektioner", "description": "", "starts_on": None}
    return update(other, applicant, rows={"activities": [row | {"ends_on": None}]})


# --- Starting from the sketch ------------------------------------------------------------------


def test_create_prefills_from_the_applicable_sketch(
    applicable_sketch, applicant, organisation, co_owner_org, nonprofit
):
    sketch = applicable_sketch
    application = services.application_create(actor=applicant, sketch=sketch)
    assert (application.state, application.owner, application.created_by) == (
        A.DRAFT,
        organisation,
        applicant,
    )
    assert (application.call, application.registration) == (sketch.call, sketch.registration)
    copied = ("title", "summary", "problem_and_target_group", "complements_ordinary_work")
    for name in (*copied, "contact_name", "contact_email", "contact_phone"):
        assert getattr(application, name) == SKETCH_FIELDS[name], name
    assert application.amount_requested == SKETCH_FIELDS["estimated_amount"] == 3_000_000
    assert set(application.participants.values_list("organisation_id", "role")) == {
        (co_owner_org.pk, "co_owner"),
        (nonprofit.pk, "partner"),
    }


def test_a_second_create_returns_the_same_application(application, applicable_sketch, applicant):
    again = services.application_create(actor=applicant, sketch=applicable_sketch)
    assert again.pk == application.pk
    assert Application.objects.filter(sketch=applicable_sketch).count() == 1
    assert again.participants.count() == 2


@pytest.mark.parametrize("outcome", [None, "not_applicable"])
def test_create_is_refused_unless_the_sketch_is_applicable(
    sketch, applicant, fund_admin, meeting, outcome
):
    services.idea_sketch_submit(actor=applicant, sketch=sketch)
    if outcome:
        services.applicability_decide(
            actor=fund_admin, sketch=sketch, meeting=meeting, outcome=outcome, reason="Nej."
        )
    with pytest.raises(DomainError) as raised:
        services.application_create(actor=applicant, sketch=sketch)
    assert raised.value.code == "not_applicable"
    assert not Application.objects.exists()


def test_create_is_refused_after_the_application_deadline(applicable_sketch, applicant):
    deadline = applicable_sketch.call.application_deadline
    with pytest.raises(DomainError) as raised:
        services.application_create(
            actor=applicant, sketch=applicable_sketch, today=deadline + dt.timedelta(days=1)
        )
    assert raised.value.code == "deadline_passed"
    assert not Application.objects.exists()
    services.application_create(actor=applicant, sketch=applicable_sketch, today=deadline)
    assert Application.objects.count() == 1


# --- Editing the draft -------------------------------------------------------------------------


def test_rows_are_created_updated_by_pk_and_removed_when_left_out(ready, applicant):
    [first] = rows_of(ready, "activities")
    budget_before = rows_of(ready, "budget")
    new = {"pk": None, "title": "Föräldraträffar", "description": "Varje månad"}
    new |= {"starts_on": dt.date(YEAR, 2, 1), "ends_on": None}
    update(ready, applicant, rows={"activities": [first | {"title": "Ny titel"}, new]})
    rows = rows_of(ready, "activities")
    assert [(r["pk"], r["title"]) for r in rows] == [
        (first["pk"], "Ny titel"),
        (rows[1]["pk"], "Föräldraträffar"),
    ]
    assert rows[1]["starts_on"] == dt.date(YEAR, 2, 1)
    assert rows_of(ready, "budget") == budget_before  # a table not given is untouched

    update(ready, applicant, rows={"activities": [rows[1]]})
    assert [r["pk"] for r in rows_of(ready, "activities")] == [rows[1]["pk"]]
    assert not Activity.objects.filter(pk=first["pk"]).exists()


def test_a_row_of_another_application_is_refused(ready, other_application, applicant):
    [theirs] = rows_of(other_application, "activities")
    mine = rows_of(ready, "activities")
    rows = {"activities": [*mine, theirs | {"title": "Kapad rad"}]}
    with pytest.raises(DomainError):
        update(ready, applicant, title="Kapad", rows=rows)
    assert rows_of(other_application, "activities") == [theirs]
    assert rows_of(ready, "activities") == mine
    ready.refresh_from_db()
    assert ready.title == TITLE


@pytest.mark.parametrize("state", [A.SUBMITTED, A.WITHDRAWN])
def test_update_is_refused_unless_draft_or_returned(ready, applicant, state):
    (submit if state == A.SUBMITTED else withdraw)(ready, applicant)
    with pytest.raises(DomainError) as raised:
        update(ready, applicant, title="Ny titel", rows={"activities": []})
    assert raised.value.code == "not_editable"
    ready.refresh_from_db()
    assert ready.title == TITLE
    assert ready.activities.count() == 1


def test_update_is_allowed_when_returned_for_revision(ready, applicant, fund_admin):
    submit(ready, applicant)
    request_revision(ready, fund_admin)
    update(ready, applicant, title="Läsfrämjande i hela Farsta")
    assert ready.title == "Läsfrämjande i hela Farsta"
    assert ready.state == A.REVISION_REQUESTED


def test_planned_end_before_planned_start_is_refused(ready, applicant):
    with pytest.raises(DomainError) as raised:
        update(ready, applicant, planned_start=dt.date(YEAR, 6, 1), planned_end=dt.date(YEAR, 5, 1))
    assert raised.value.field == "planned_end"
    ready.refresh_from_db()
    assert ready.planned_start == dt.date(YEAR, 1, 1)


def test_a_nonprofit_cannot_be_co_owner(ready, applicant, nonprofit):
    with pytest.raises(DomainError) as raised:
        update(ready, applicant, co_owners=[nonprofit], partners=[])
    assert raised.value.field == "co_owners"
    assert ready.participants.get(organisation=nonprofit).role == "partner"


# --- What submitting needs ---------------------------------------------------------------------


def assert_submit_refused(application, actor, **kwargs) -> DomainError:
    """Submitting raises DomainError and changes neither the state nor the versions."""
    state, count = application.state, application.versions.count()
    with pytest.raises(DomainError) as raised:
        submit(application, actor, **kwargs)
    application.refresh_from_db()
    assert application.state == state
    assert application.versions.count() == count
    return raised.value


def test_amount_requested_must_equal_the_fund_financed_budget(ready, applicant):
    assert problems_on_submit(ready) == []
    update(ready, applicant, amount_requested=3_500_000)
    [problem] = problems_on_submit(ready)
    for amount in (3_500_000, 3_000_000, 500_000):
        assert format_kr(amount) in problem.text
    assert "3\u00a0500\u00a0000\u00a0kr" in problem.text
    assert problem.anchor == "id_amount_requested"
    error = assert_submit_refused(ready, applicant)
    assert error.code == "incomplete"
    assert format_kr(3_500_000) in error.message
    assert format_kr(3_000_000) in error.message


@pytest.mark.parametrize("table", versions.REQUIRED_TABLES)
def test_an_empty_required_table_stops_submitting(ready, applicant, table):
    update(ready, applicant, rows={table: []})
    expected = str(versions.TABLES_BY_NAME[table].title).lower()
    [problem] = [p for p in problems_on_submit(ready) if p.anchor == f"{table}-table-heading"]
    assert expected in problem.text
    assert assert_submit_refused(ready, applicant).code == "incomplete"


@pytest.mark.parametrize("recipient", ["co_owner", "city_partner", "nonprofit_partner", "other"])
def test_budget_recipients_must_be_owner_co_owner_or_city_partner(
    ready, applicant, co_owner_org, nonprofit, recipient
):
    city_partner = factories.OrganisationFactory(name="Idrottsnämnden", kind="specialist_committee")
    other = factories.OrganisationFactory(name="Enskede-Årsta-Vantörs stadsdelsnämnd")
    chosen = {"co_owner": co_owner_org, "city_partner": city_partner}.get(recipient)
    chosen = chosen or {"nonprofit_partner": nonprofit, "other": other}[recipient]
    budget = rows_of(ready, "budget")
    budget[0]["recipient"] = chosen
    partners = [nonprofit, city_partner]
    update(ready, applicant, co_owners=[co_owner_org], partners=partners, rows={"budget": budget})
    problems = problems_on_submit(ready)
    if recipient in ("co_owner", "city_partner"):
        assert problems == []
        assert submit(ready, applicant).number == 1
    else:
        assert len(problems) == 1
        assert chosen.name in problems[0].text
        assert assert_submit_refused(ready, applicant).code == "incomplete"


def test_budget_rows_outside_the_planned_years_stop_submitting(ready, applicant):
    budget = rows_of(ready, "budget")
    budget[0]["year"] = YEAR + 1
    budget[1]["year"] = YEAR - 1
    update(ready, applicant, rows={"budget": budget})
    [problem] = problems_on_submit(ready)
    assert str(YEAR - 1) in problem.text
    assert str(YEAR + 1) in problem.text
    assert assert_submit_refused(ready, applicant).code == "incomplete"


def test_a_draft_cannot_be_submitted_after_the_deadline(ready, applicant):
    deadline = ready.call.application_deadline
    error = assert_submit_refused(ready, applicant, at=noon(deadline + dt.timedelta(days=1)))
    assert error.code == "deadline_passed"
    assert ready.state == A.DRAFT
    assert submit(ready, applicant, at=noon(deadline)).number == 1


def test_a_revision_may_be_submitted_after_the_deadline(ready, applicant, fund_admin):
    submit(ready, applicant)
    request_revision(ready, fund_admin)
    after = noon(ready.call.application_deadline + dt.timedelta(days=30))
    assert submit(ready, applicant, at=after).number == 2
    ready.refresh_from_db()
    assert ready.state == A.SUBMITTED
    assert ready.current_version == 2


def test_versions_are_numbered_and_never_change(ready, applicant, fund_admin):
    first = submit(ready, applicant)
    assert first.number == 1
    frozen = copy.deepcopy(first.content)
    assert frozen["fields"]["title"] == TITLE
    assert frozen["fields"]["amount_requested"] == 3_000_000
    request_revision(ready, fund_admin)
    budget = rows_of(ready, "budget")
    budget[0]["note"] = "Ändrad"
    update(ready, applicant, title="Ny titel", rows={"budget": budget})
    first.refresh_from_db()
    assert first.content == frozen
    second = submit(ready, applicant)
    assert second.number == 2
    assert second.content["fields"]["title"] == "Ny titel"
    first.refresh_from_db()
    assert first.content == frozen
    assert list(ready.versions.values_list("number", flat=True)) == [1, 2]


# --- Transitions -------------------------------------------------------------------------------


def test_the_transition_table():
    assert {
        A.DRAFT: {A.SUBMITTED, A.WITHDRAWN, A.NOT_PROPOSED},
        A.SUBMITTED: {A.REVISION_REQUESTED, A.WITHDRAWN, A.RECOMMENDED, A.NOT_PROPOSED},
        A.REVISION_REQUESTED: {A.SUBMITTED, A.WITHDRAWN, A.NOT_PROPOSED},
        A.RECOMMENDED: {A.RECOMMENDED, A.GRANTED, A.REJECTED, A.NOT_PROPOSED},
        A.GRANTED: set(),
        A.REJECTED: set(),
        A.NOT_PROPOSED: set(),
        A.WITHDRAWN: set(),
    } == states.APPLICATION.table


ACTIONS = {
    A.SUBMITTED: lambda app, applicant, admin: submit(app, applicant),
    A.REVISION_REQUESTED: lambda app, applicant, admin: request_revision(app, admin),
    A.WITHDRAWN: lambda app, applicant, admin: withdraw(app, applicant),
}


# The states of intake; those after review are reached and tested in test_decisions.py.
INTAKE_STATES = (A.DRAFT, A.SUBMITTED, A.REVISION_REQUESTED, A.WITHDRAWN)


@pytest.mark.parametrize(("state", "to"), list(itertools.product(INTAKE_STATES, ACTIONS)))
def test_every_transition_is_allowed_or_refused_per_the_table(
    ready, applicant, fund_admin, state, to
):
    if state == A.WITHDRAWN:
        withdraw(ready, applicant)
    elif state != A.DRAFT:
        submit(ready, applicant)
        if state == A.REVISION_REQUESTED:
            request_revision(ready, fund_admin)
    ready.refresh_from_db()
    assert ready.state == state
    versions_before = ready.versions.count()
    if states.APPLICATION.allows(state, to):
        ACTIONS[to](ready, applicant, fund_admin)
        ready.refresh_from_db()
        assert ready.state == to
    else:
        with pytest.raises(DomainError) as raised:
            ACTIONS[to](ready, applicant, fund_admin)
        assert raised.value.code == "transition"
        ready.refresh_from_db()
        assert ready.state == state
        assert ready.versions.count() == versions_before


@pytest.mark.parametrize("blank", ["", "   "])
def test_returning_needs_a_message_and_withdrawing_a_reason(ready, applicant, fund_admin, blank):
    submit(ready, applicant)
    with pytest.raises(DomainError) as raised:
        request_revision(ready, fund_admin, message=blank)
    assert raised.value.field == "message"
    with pytest.raises(DomainError) as raised:
        withdraw(ready, applicant, reason=blank)
    assert raised.value.field == "reason"
    ready.refresh_from_db()
    assert ready.state == A.SUBMITTED


# --- Comparing versions ------------------------------------------------------------------------


def test_compare_shows_changed_removed_added_and_same_rows(
    ready, applicant, fund_admin, co_owner_org
):
    extra = {"pk": None, "organisation": co_owner_org, "year": YEAR + 3, "amount": 200_000}
    update(
        ready,
        applicant,
        rows={"savings": [*rows_of(ready, "savings"), extra | {"assumptions": ""}]},
    )
    first = submit(ready, applicant)
    request_revision(ready, fund_admin)

    budget = rows_of(ready, "budget")
    assert budget[0]["funding_source"] == "fund"
    budget[0]["amount"] = 3_200_000
    savings = [row for row in rows_of(ready, "savings") if row["amount"] == 200_000]
    milestone = {"pk": None, "title": "Utvärdering klar", "due_on": dt.date(YEAR, 11, 1)}
    rows = {"budget": budget, "savings": savings}
    rows["milestones"] = [*rows_of(ready, "milestones"), milestone]
    update(
        ready, applicant, title="Läsfrämjande i hela Farsta", amount_requested=3_200_000, rows=rows
    )
    second = submit(ready, applicant)

    diff = versions.compare(first.content, second.content)
    tables = {table.table.name: table for table in diff.tables}
    assert [row.status for row in tables["budget"].rows] == ["changed", "same"]
    [cell] = [cell for cell in tables["budget"].rows[0].cells if cell.changed]
    assert (cell.old, cell.new) == (format_kr(3_000_000), format_kr(3_200_000))
    assert cell.old == "3\u00a0000\u00a0000\u00a0kr"
    assert [row.status for row in tables["savings"].rows] == ["same", "removed"]
    removed = tables["savings"].rows[1]
    assert format_kr(500_000) in [cell.old for cell in removed.cells]
    assert all(cell.new == "" for cell in removed.cells)
    assert [row.status for row in tables["milestones"].rows] == ["same", "added"]
    assert "Utvärdering klar" in [cell.new for cell in tables["milestones"].rows[1].cells]
    for name in ("activities", "indicators", "participants"):
        assert {row.status for row in tables[name].rows} == {"same"}, name

    case, *plans = diff.groups
    assert {cell.label: (cell.old, cell.new) for cell in case.cells if cell.changed} == {
        label("title"): (TITLE, "Läsfrämjande i hela Farsta"),
        label("amount_requested"): (format_kr(3_000_000), format_kr(3_200_000)),
    }
    assert [group.changes for group in plans] == [0, 0, 0]
    assert diff.changes == 2 + 3  # two fields; a budget, a savings and a milestone row


# --- Attachments -------------------------------------------------------------------------------


def test_a_small_pdf_is_stored_and_served(application, applicant, client, media_root):
    attachment = attach(application, applicant, "plan.pdf", PDF, title="Projektplan")
    assert (attachment.title, attachment.original_name) == ("Projektplan", "plan.pdf")
    assert (attachment.content_type, attachment.size) == ("application/pdf", len(PDF))
    assert "plan" not in attachment.file.name  # stored under a random name
    assert stored_files(media_root) == [Path(attachment.file.path)]
    client.force_login(applicant)
    response = client.get(f"/applications/{application.pk}/attachments/{attachment.pk}/")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="plan.pdf"'
    assert body_of(response) == PDF


def test_a_file_over_the_limit_is_refused(application, applicant, settings, media_root):
    settings.FONDADMIN_MAX_UPLOAD_MB = 1
    with pytest.raises(DomainError) as raised:
        attach(application, applicant, "stor.pdf", PDF + b"\n" * (MB + 1 - len(PDF)))
    assert raised.value.field == "file"
    assert not ApplicationAttachment.objects.exists()
    assert stored_files(media_root) == []
    at_limit = attach(application, applicant, "lagom.pdf", PDF + b"\n" * (MB - len(PDF)))
    assert at_limit.size == MB


def test_an_executable_named_pdf_is_refused(application, applicant, media_root):
    with pytest.raises(DomainError) as raised:
        attach(application, applicant, "report.pdf", EXE)
    assert raised.value.field == "file"
    assert not ApplicationAttachment.objects.exists()
    assert stored_files(media_root) == []


def test_a_path_in_the_file_name_is_not_kept(application, applicant, media_root):
    attachment = attach(application, applicant, "../../etc/passwd.pdf", PDF)
    assert attachment.original_name == "passwd.pdf"  # no "/", "\\" or ".." left
    assert ".." not in attachment.file.name
    assert Path(attachment.file.path).resolve().is_relative_to(media_root.resolve())


def test_a_removed_attachment_stays_in_the_version_it_was_sent_with(
    ready, applicant, fund_admin, client
):
    attachment = attach(ready, applicant, "plan.pdf", PDF, title="Projektplan")
    first = submit(ready, applicant)
    assert [row["values"]["original_name"] for row in first.content["attachments"]] == ["plan.pdf"]
    request_revision(ready, fund_admin)
    services.application_attachment_remove(actor=applicant, attachment=attachment)
    attachment.refresh_from_db()
    assert attachment.removed_at is not None
    assert submit(ready, applicant).content["attachments"] == []
    first.refresh_from_db()
    assert first.content["attachments"][0]["values"]["title"] == "Projektplan"
    client.force_login(applicant)
    url = f"/applications/{ready.pk}/attachments/{attachment.pk}/"
    assert body_of(client.get(url)) == PDF  # still downloadable from the earlier version


# --- Pages -------------------------------------------------------------------------------------


def _posted(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    if hasattr(value, "normalize"):  # Decimal: no separators at all
        return format(value.normalize(), "f")
    return str(value.pk) if hasattr(value, "pk") else str(value)


def edit_data(application, **overrides) -> dict:
    """What the edit page posts back unchanged, with ``overrides``."""
    data = {name: _posted(getattr(application, name)) for name in versions.APPLICATION_FIELDS}
    participants = list(application.participants.all())
    data["co_owners"] = [str(p.organisation_id) for p in participants if p.role == "co_owner"]
    data["partners"] = [str(p.organisation_id) for p in participants if p.role == "partner"]
    for name in versions.ROW_TABLES:
        rows = rows_of(application, name)
        data[f"{name}-TOTAL_FORMS"] = data[f"{name}-INITIAL_FORMS"] = str(len(rows))
        data[f"{name}-MIN_NUM_FORMS"], data[f"{name}-MAX_NUM_FORMS"] = "0", "1000"
        for number, row in enumerate(rows):
            for column, value in row.items():
                data[f"{name}-{number}-{column}"] = _posted(value)
    return data | overrides


def test_edit_with_a_decimal_amount_keeps_what_was_typed_and_saves_nothing(
    ready, applicant, client
):
    client.force_login(applicant)
    budget_before = rows_of(ready, "budget")
    data = edit_data(ready, title="Ändrad titel", **{"budget-0-amount": "1,5"})
    response = client.post(f"/applications/{ready.pk}/edit/", data)
    assert response.status_code == 200
    budget_form = {n: fs for n, _t, fs in response.context["tables"]}["budget"].forms[0]
    assert "amount" in budget_form.errors
    content = response.content.decode()
    assert 'value="1,5"' in content
    assert 'value="Ändrad titel"' in content
    ready.refresh_from_db()
    assert ready.title == TITLE
    assert rows_of(ready, "budget") == budget_before


def test_edit_with_valid_data_saves(ready, applicant, client):
    client.force_login(applicant)
    changes = {"activities-0-title": "Utbilda fler läsombud", "budget-1-amount": "450 000"}
    data = edit_data(ready, title="Läsfrämjande i hela Farsta", **changes)
    response = client.post(f"/applications/{ready.pk}/edit/", data)
    assert response.status_code == 302, response.context["error_list"]
    assert response["Location"] == f"/applications/{ready.pk}/"
    ready.refresh_from_db()
    assert ready.title == "Läsfrämjande i hela Farsta"
    assert [r.title for r in ready.activities.all()] == ["Utbilda fler läsombud"]
    assert [r.amount for r in ready.budget.all()] == [3_000_000, 450_000]
    assert ready.savings.count() == 1
    assert ready.participants.count() == 2


def test_a_double_clicked_submit_makes_one_version(ready, applicant, client):
    client.force_login(applicant)
    url = f"/applications/{ready.pk}/submit/"
    key = str(uuid.uuid4())
    first = client.post(url, {"idempotency_key": key})
    second = client.post(url, {"idempotency_key": key})
    expected = f"/applications/{ready.pk}/versions/1/?receipt=1"
    assert (first.status_code, first["Location"]) == (302, expected)
    assert (second.status_code, second["Location"]) == (302, expected)
    assert ApplicationVersion.objects.filter(application=ready).count() == 1
    assert OutboundEmail.objects.filter(kind="application_receipt").count() == 1


def test_another_organisations_applicant_gets_404(application, applicant, client):
    attachment = attach(application, applicant, "plan.pdf", PDF)
    other = factories.OrganisationFactory(name="Enskede-Årsta-Vantörs stadsdelsnämnd")
    client.force_login(factories.person("applicant", organisation=other))
    for path in ("", "edit/", f"attachments/{attachment.pk}/"):
        assert client.get(f"/applications/{application.pk}/{path}").status_code == 404, path
    response = client.post(f"/applications/{application.pk}/edit/", edit_data(application))
    assert response.status_code == 404


# --- Notifications (one test per row of the README table) --------------------------------------


def sent(kind: str) -> list[list[str]]:
    return sorted(email.to for email in OutboundEmail.objects.filter(kind=kind))


def each(*people) -> list[list[str]]:
    return sorted([person if isinstance(person, str) else person.email] for person in people)


def test_submit_sends_a_receipt_to_the_submitter(ready, applicant):
    submit(ready, applicant)
    assert sent("application_receipt") == each(applicant)


def test_submit_tells_every_fund_administrator(ready, applicant, fund_admin, other_fund_admin):
    submit(ready, applicant)
    assert sent("application_submitted") == each(fund_admin, other_fund_admin)


def test_revision_request_tells_the_submitter_and_the_contact(ready, applicant, fund_admin):
    submit(ready, applicant)
    request_revision(ready, fund_admin)
    assert sent("application_revision_requested") == each(applicant, "ada.kontakt@test.example")


def test_withdrawing_a_submitted_application_tells_the_fund_administrators(
    ready, applicant, fund_admin, other_fund_admin
):
    submit(ready, applicant)
    withdraw(ready, applicant)
    assert sent("application_withdrawn") == each(fund_admin, other_fund_admin)


def test_withdrawing_a_never_submitted_draft_sends_nothing(application, applicant):
    withdraw(application, applicant)
    assert sent("application_withdrawn") == []


# --- The planned period is bounded (the council's pages lay it out year by year) --------------


def test_a_period_before_the_calls_year_is_refused_on_its_field(ready, applicant):
    year = ready.call.published_at.year
    with pytest.raises(DomainError) as refused:
        services.application_update(
            actor=applicant,
            application=ready,
            planned_start=dt.date(1, 1, 1),
            planned_end=dt.date(year, 12, 31),
        )
    assert refused.value.field == "planned_start"
    assert str(year) in refused.value.message
    ready.refresh_from_db()
    assert ready.planned_start == dt.date(year, 1, 1)


def test_a_period_longer_than_the_funds_longest_project_is_refused(ready, applicant):
    year = ready.call.published_at.year
    fund = ready.call.fund
    fund.max_project_years = 3
    fund.save(update_fields=["max_project_years"])
    services.application_update(
        actor=applicant,
        application=ready,
        planned_start=dt.date(year, 1, 1),
        planned_end=dt.date(year + 2, 12, 31),
    )
    with translation.override("sv"), pytest.raises(DomainError) as refused:
        services.application_update(
            actor=applicant,
            application=ready,
            planned_start=dt.date(year, 1, 1),
            planned_end=dt.date(9999, 12, 31),
        )
    assert refused.value.field == "planned_end"
    assert refused.value.message == (
        "Projektperioden får omfatta högst 3 kalenderår (fondens längsta projekt); "
        f"{year}–9999 omfattar {9999 - year + 1}."
    )


def test_the_edit_page_keeps_a_refused_period_and_says_why(ready, applicant, client):
    client.force_login(applicant)
    data = edit_data(ready, planned_start="0001-01-01", planned_end="9999-12-31")
    response = client.post(f"/applications/{ready.pk}/edit/", data)
    assert response.status_code == 200
    text = response.content.decode()
    assert 'value="0001-01-01"' in text
    assert "Projektet kan börja tidigast" in text
    ready.refresh_from_db()
    assert ready.planned_end.year == ready.call.published_at.year


def test_a_period_stored_before_the_bound_cannot_be_submitted(ready, applicant):
    Application.objects.filter(pk=ready.pk).update(
        planned_start=dt.date(2001, 1, 1), planned_end=dt.date(9999, 12, 31)
    )
    ready.refresh_from_db()
    assert any("tidigast" in p.text or "earliest" in p.text for p in problems_on_submit(ready))
    with pytest.raises(DomainError) as refused:
        submit(ready, applicant)
    assert refused.value.code == "incomplete"


def test_a_tampered_table_is_named_at_the_top_and_nothing_is_saved(ready, applicant, client):
    client.force_login(applicant)
    data = edit_data(ready, title="Ändrad titel")
    del data["budget-TOTAL_FORMS"]
    response = client.post(f"/applications/{ready.pk}/edit/", data)
    assert response.status_code == 200
    [(anchor, text)] = [
        (anchor, text) for anchor, text in response.context["error_list"] if "Budget" in text
    ]
    assert anchor == "budget-table"
    assert "kunde inte läsas" in text
    assert "kunde inte läsas" in response.content.decode()
    ready.refresh_from_db()
    assert ready.title == TITLE


def test_the_list_of_what_is_missing_names_each_field_once_as_a_link_to_it(
    client, ready, applicant
):
    """A label with a comma ("Utvärderingsdesign, beskrivning") is one item, not three."""
    update(ready, applicant, evaluation_design_text="", summary="")
    problems = problems_on_submit(ready)
    assert [(p.text, p.anchor) for p in problems] == [
        ("Sammanfattning", "id_summary"),
        ("Utvärderingsdesign, beskrivning", "id_evaluation_design_text"),
    ]
    error = assert_submit_refused(ready, applicant)
    assert error.message == "Fyll i: Sammanfattning; Utvärderingsdesign, beskrivning."
    client.force_login(applicant)
    edit = f"/applications/{ready.pk}/edit/"
    form = client.get(edit).content.decode()
    for page in (f"/applications/{ready.pk}/", f"/applications/{ready.pk}/submit/"):
        html = client.get(page).content.decode()
        for problem in problems:
            link = f'<a href="{edit}#{problem.anchor}">{problem.text}</a>'
            assert html.count(link) == 1, (page, link)
            assert f'id="{problem.anchor}"' in form
