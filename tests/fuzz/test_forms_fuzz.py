"""Hostile and random posts to every form and state-changing URL, as each role (issue 16).

Every POST row of the access matrix (``tests/test_access_matrix.MATRIX``) is a test. The world
of ``tests/matrix.py`` is built once per app's class (``setUpTestData``); each hypothesis example
runs in a transaction of its own that is rolled back (``hypothesis.extra.django.TestCase``), and
within it each subject's post in a savepoint of its own, so nothing leaks between examples or
subjects. For each subject the row allows, the form is read from the page (the URL's own page,
else the page it belongs to: ``/sketches/5/`` holds the form of ``/sketches/5/comments/``) and
filled with values drawn from ``values.py``: all plausible, one field hostile, or every field at
random (empty, 100 kB, RTL, emoji, NUL, lone surrogates, script, SQL-looking, negative and huge
numbers, impossible dates, text in number and date fields, lists, missing and duplicated fields,
files where text is expected). The plausible values make a valid post (``values.typical``, read
from the page, with ``PLAUSIBLE``: what only the world knows, and ``ARRANGE``: a state the world
does not hold), so that the first two store what they send, hostile text included. One subject
the row refuses posts too. (A row that lets more than ``MANY`` subjects through, the site's own
forms, posts as ``MANY`` of them per example, drawn.) Then:

- no response is a 5xx (an exception in a view fails the example with its traceback);
- a refused post (403, 404, 405, to the login page) or an invalid one (a form with errors, a
  warning message) changes no row of any table;
- a post that stored something leaves every page that shows it working: where it redirects
  (200), the URL's own page and the pages above it, the start page, the ledger, the register and
  the reclaim overview (never a 5xx; a page that answered 200 before still does), with the script
  text escaped, and the lists' CSV and XLSX files sound.

The forms that create something (``CREATES``) also have a plain test each: the typical post of a
subject the row lets through stores, and so does one with hostile text in every text field (100
kB in a text area), with the checks above; a form that stops accepting its typical post fails
it, instead of leaving its hostile values untested. ``--hypothesis-show-statistics`` lists, per
row, how often a post was refused, invalid or accepted, and stored.

Examples per URL: ``FUZZ_EXAMPLES`` (default 3); derandomized (the same examples every run, so a
failure in CI reproduces) unless ``FUZZ_RANDOM=1``. Each app's class is an xdist group: its world
is built once, on one worker.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from typing import NamedTuple

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from core.models import Role
from projects.models import Project, ProjectState
from tests.applications.test_access_matrix import ROWS as APPLICATIONS_ROWS
from tests.core.test_access_matrix import ROWS as CORE_ROWS
from tests.fuzz.forms import Form, forms_of
from tests.fuzz.harness import (
    changed,
    check_html,
    check_pages,
    complaints,
    outcome,
    parents,
    snapshot,
)
from tests.fuzz.values import (
    HUGE_HOSTILE,
    STORED_HOSTILE,
    TEXT_KINDS,
    body,
    files,
    payloads,
    typical,
)
from tests.matrix import SUBJECTS, World, build_world
from tests.projects.test_access_matrix import ROWS as PROJECTS_ROWS
from tests.reclaim.test_access_matrix import ROWS as RECLAIM_ROWS
from tests.reports.test_access_matrix import ROWS as REPORTS_ROWS

FUZZ = settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "3")),
    deadline=None,
    derandomize=os.environ.get("FUZZ_RANDOM") != "1",
    database=None,
    print_blob=True,
    suppress_health_check=list(HealthCheck),
)

# Anonymous visitors and deactivated users are sent to the login page (302) by most rows: a
# 302 is an action only for these rows, which act for everyone.
ACT_FOR_ALL = {"set_language", "logout"}
LOGGED_OUT = ("anonymous", "deactivated")
# A row that lets more subjects through (the site's own forms: language, accessibility, the
# account) posts as this many of them per example, drawn; the others post every example.
MANY = 3

# The plausible values only the world knows, by matrix row (``values.typical`` fills in the rest
# from what the page shows), so that a plausible post stores.
PLAUSIBLE: dict[str, Callable[[World], dict]] = {
    # The target already is an applicant (the first role listed) and a member of Farsta (the
    # first organisation listed).
    "users:role_add": lambda w: {"role": Role.SCIENTIFIC_REVIEWER.value},
    "users:membership_add": lambda w: {"organisation": str(w.co_owner_organisation.pk)},
    # A code of capitals, not free text.
    "funds:create": lambda w: {"registration_series": "FUZZ"},
    # The director has a delegate for the period proposed: the next one follows it.
    "delegations:create": lambda w: {
        "valid_from": (w.delegation.valid_until + dt.timedelta(days=1)).isoformat(),
        "valid_until": (w.delegation.valid_until + dt.timedelta(days=14)).isoformat(),
    },
    # Members present: at least one (no checkbox of a group says it is required).
    "council:meeting_create": lambda w: {"members": str(w.people["council_member"].pk)},
    # Decided before it takes effect (the form asks for the later date first); the shares are
    # percentages that add up to 100, here to one successor.
    "organisations:reorganise": lambda w: {
        "decided_on": timezone.localdate().isoformat(),
        "successor_1": str(w.co_owner_organisation.pk),
        "share_1": "100",
        **{f"{field}_{n}": "" for field in ("successor", "share") for n in range(2, 6)},
    },
    # The rules in force are refused as nothing to register: a shorter period (of six).
    "reclaim:policy_edit": lambda w: {"window_years": "5"},
}


def _phase_ended(world: World) -> None:
    Project.objects.filter(pk=world.project.pk).update(state=ProjectState.PHASE_ENDED)


# What a row's post needs that the world does not hold, set up inside each post's transaction
# (rolled back with it). The world's project is evaluated, which the matrix's evaluation and
# reclaim rows need; no disbursement is made to it then, but one is after its investment phase.
ARRANGE: dict[str, Callable[[World], None]] = {"projects:disburse": _phase_ended}


def allowed(row) -> list[str]:
    """The subjects the row lets through (200, or a redirect that is not to the login page)."""
    subjects = []
    for subject, status in zip(SUBJECTS, row.expected, strict=True):
        if status == 200 or (
            status == 302 and (subject not in LOGGED_OUT or row.name in ACT_FOR_ALL)
        ):
            subjects.append(subject)
    return subjects


def refusing(row) -> list[str]:
    let_through = set(allowed(row))
    return [subject for subject in SUBJECTS if subject not in let_through]


def _login(client, world, subject) -> None:
    if subject != "anonymous":
        client.force_login(world.people[subject])


class Sent(NamedTuple):
    result: str  # harness.outcome: refused, invalid or accepted
    status: int
    changed: list[str]  # the tables whose rows changed
    problems: list[str]
    told: list[str]  # harness.complaints: the form's errors and the warnings, if invalid


class FuzzBase(TestCase):
    rows: list = []
    _forms: dict
    _baselines: dict

    @classmethod
    def setUpTestData(cls):
        cls.world = build_world()
        cls._forms, cls._baselines = {}, {}

    def pages(self, path: str) -> list[str]:
        """The pages that show what a post to ``path`` stored (besides where it redirects):
        the URL's own page and those above it, the start page, and the lists and pages of the
        case elsewhere (a council decision on the sketches' list, money on the ledger...)."""
        world = self.world
        fund, application = world.fund.pk, world.application.pk
        target = path.split("?")[0]
        elsewhere = {
            "council": ["/sketches/", f"/sketches/{world.sketch.pk}/"],
            "reviews": [f"/applications/{application}/review/", f"/applications/{application}/"],
            "proposals": ["/applications/", "/projects/", f"/funds/{fund}/"],
            "projects": [f"/funds/{fund}/", "/register/"],
            "funds": ["/register/"],
            "reclaim": [f"/reclaim/funds/{fund}/", f"/projects/{world.project.pk}/"],
            "calls": ["/sketches/"],
            "sketches": ["/applications/"],
        }
        segment = target.strip("/").split("/")[0]
        pages = [target, *parents(target), "/", *elsewhere.get(segment, [])]
        return list(dict.fromkeys(pages))

    def forms(self, subject: str, client, path: str) -> list[Form]:
        """The forms that post to ``path``, as the subject's pages show them (read once per
        class: every example starts from the same world)."""
        key = (path, subject)
        if key not in self._forms:
            target = path.split("?")[0]
            found: list[Form] = []
            for page in [path, *parents(target)][:3]:
                response = client.get(page)
                if response.streaming:  # the attachment above a remove URL: a download
                    b"".join(response.streaming_content)  # the client closes it safely
                    continue
                if response.status_code != 200:
                    continue
                html = response.content.decode("utf-8", "replace")
                found = [form for form in forms_of(html, target) if form.action == target]
                if found:
                    break
            self._forms[key] = found
        return self._forms[key]

    def baseline(self, subject: str, client, path: str) -> dict[str, int]:
        key = (path, subject)
        if key not in self._baselines:
            self._baselines[key] = {page: client.get(page).status_code for page in self.pages(path)}
        return self._baselines[key]

    def send(self, row, subject: str, fill, *, let_through: bool) -> Sent:
        """Post what ``fill(forms)`` makes of the forms (the subject's, or for a refused
        subject those of a subject the row lets through) and check what follows."""
        world = self.world
        path = row.path(world)
        with transaction.atomic():
            if row.name in ARRANGE:
                ARRANGE[row.name](world)
            client = Client()
            _login(client, world, subject)
            if let_through:
                forms = self.forms(subject, client, path)
                baseline = self.baseline(subject, client, path)
            else:  # refused: the form of a subject it lets through, if any
                known = [forms for (p, _s), forms in self._forms.items() if p == path and forms]
                forms, baseline = (known[0] if known else []), {}
            content, content_type = body(fill(forms))
            before = snapshot()
            try:
                response = client.generic("POST", path, content, content_type=content_type)
            except Exception as error:
                raise AssertionError(f"POST {path} as {subject}: {error!r}") from error
            problems = check_html(path, response) if response.status_code >= 500 else []
            result = outcome(response)
            redirected = response.status_code == 302
            difference = changed(before, snapshot(), redirected=redirected and result != "accepted")
            if result != "accepted" and difference:
                problems.append(f"{result} ({response.status_code}) but changed {difference}")
            if result == "accepted" and difference:
                location = response.get("Location", "") if response.status_code == 302 else ""
                if location and not location.startswith("/accounts/login/"):
                    answer = client.get(location)
                    problems += check_html(location, answer)
                    if answer.status_code != 200:
                        problems.append(f"GET {location} after the post: {answer.status_code}")
                problems += check_pages(client, path, self.pages(path), baseline)
            transaction.set_rollback(True)
            told = complaints(response) if result == "invalid" else []
        return Sent(result, response.status_code, difference, problems, told)

    def post(self, row, subject: str, data, *, let_through: bool) -> None:
        overrides = PLAUSIBLE[row.name](self.world) if row.name in PLAUSIBLE else None

        def fill(forms):
            form = data.draw(st.sampled_from(forms), label="form") if forms else None
            return data.draw(payloads(form, overrides), label=f"{subject} posts")

        sent = self.send(row, subject, fill, let_through=let_through)
        event(f"{'allowed' if let_through else 'refused'}: {sent.result}, {sent.status}")
        if sent.changed:
            event("stored")  # --hypothesis-show-statistics lists the rows that never store
        path = row.path(self.world)
        assert not sent.problems, f"POST {path} as {subject}:\n  " + "\n  ".join(sent.problems)

    def fuzz(self, row, data) -> None:
        subjects = allowed(row)
        if len(subjects) > MANY:  # the site's own forms: a few of them per example
            subjects = data.draw(
                st.lists(st.sampled_from(subjects), min_size=1, max_size=MANY, unique=True),
                label="subjects",
            )
        for subject in subjects:
            self.post(row, subject, data, let_through=True)
        others = refusing(row)
        if others:
            subject = data.draw(st.sampled_from(others), label="refused subject")
            self.post(row, subject, data, let_through=False)


# The forms that create something, where random values seldom made a valid post, so that no
# example stored one: their plain tests (``_stores``) keep their typical post valid.
CREATES = (
    "users:role_add",
    "users:membership_add",
    "organisations:reorganise",
    "funds:create",
    "funds:entry_create",
    "delegations:create",
    "council:meeting_create",
    "calls:create",
    "sketches:create",
    "reviews:score",
    "projects:disburse",
)


def _hostile_text(form: Form, usual: dict[str, list[str]], overrides) -> dict[str, list[str]]:
    """The typical values with ``STORED_HOSTILE`` in every text field (cut to its stated
    length), and 100 kB more in a text area that states none."""
    values = dict(usual)
    for item in form.fields.values():
        if item.kind in TEXT_KINDS and item.name not in (overrides or {}):
            text = STORED_HOSTILE if item.maxlength or item.kind != "textarea" else HUGE_HOSTILE
            values[item.name] = [text[: item.maxlength] if item.maxlength else text]
    return values


def _stores(row):
    def test(self):
        subject = allowed(row)[0]
        overrides = PLAUSIBLE[row.name](self.world) if row.name in PLAUSIBLE else None
        path = row.path(self.world)
        for name, change in (("typical", None), ("hostile text", _hostile_text)):
            if change and not any(
                item.kind in TEXT_KINDS for item in self._forms[path, subject][0].fields.values()
            ):
                break  # no text to store

            def fill(forms, change=change):
                assert forms, f"{subject} finds no form that posts to {path}"
                usual = typical(forms[0], overrides)
                values = change(forms[0], usual, overrides) if change else usual
                return [(key, files(value)) for key, each in values.items() for value in each]

            sent = self.send(row, subject, fill, let_through=True)
            said = f"POST {path} as {subject} ({name}): {sent.result} ({sent.status})"
            stored = sent.result == "accepted" and bool(sent.changed)
            assert stored, f"{said}, nothing stored:\n  " + "\n  ".join(sent.told)
            assert not sent.problems, f"{said}:\n  " + "\n  ".join(sent.problems)

    test.__doc__ = f"A plausible post to {row.name} stores, with hostile text too"
    return test


def _test(index: int, row):
    @FUZZ
    @given(data=st.data())
    def test(self, data):
        self.fuzz(row, data)

    test.__doc__ = f"POST {row.name} ({index})"
    return test


def _fuzz_class(name: str, rows: list):
    namespace = {"rows": rows}
    for index, row in enumerate(rows):
        if row.method == "POST":
            namespace[f"test_{row.name.replace(':', '__')}_{index}"] = _test(index, row)
        if row.method == "POST" and row.name in CREATES:
            namespace[f"test_{row.name.replace(':', '__')}_{index}_stores"] = _stores(row)
    group = pytest.mark.xdist_group(f"fuzz-{name.lower()}")
    return group(type(name, (FuzzBase,), namespace))


FuzzCore = _fuzz_class("FuzzCore", CORE_ROWS)
FuzzApplications = _fuzz_class("FuzzApplications", APPLICATIONS_ROWS)
FuzzProjects = _fuzz_class("FuzzProjects", PROJECTS_ROWS)
FuzzReclaim = _fuzz_class("FuzzReclaim", RECLAIM_ROWS)
FuzzReports = _fuzz_class("FuzzReports", REPORTS_ROWS)
