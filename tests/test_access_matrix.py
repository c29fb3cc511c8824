"""The access matrix across the apps: every URL pattern has a row in one app's matrix
(``tests/<app>/test_access_matrix.py``), and the pages show each subject only the cases and
scores they may see. The subjects, the world and the rules of a row: ``tests/matrix.py``."""

from __future__ import annotations

import pytest
from django.urls import URLResolver, get_resolver

from applications import services as case_services
from applications.models import Application, IdeaSketch
from tests.applications.conftest import criteria, score
from tests.applications.test_access_matrix import ROWS as APPLICATIONS_ROWS
from tests.core.test_access_matrix import ROWS as CORE_ROWS
from tests.matrix import (
    APPLICATION,
    APPLICATION_TITLES,
    APPLIED_SKETCH,
    CASE_TITLES,
    COUNCIL_MEMBER_NAME,
    DRAFT_APPLICATION,
    DRAFT_SKETCH,
    EXCLUDED,
    REVIEWER_NAME,
    SCORE_COMMENT,
    SCORER_NAME,
    SKETCH_TITLES,
    build_world,
    url_names,
)
from tests.projects.test_access_matrix import ROWS as PROJECTS_ROWS
from tests.reclaim.test_access_matrix import ROWS as RECLAIM_ROWS
from tests.reports.test_access_matrix import ROWS as REPORTS_ROWS

# Every row of every app, in the order of the dependency graph (the browser's page walk
# visits them all).
MATRIX = [*CORE_ROWS, *APPLICATIONS_ROWS, *PROJECTS_ROWS, *RECLAIM_ROWS, *REPORTS_ROWS]


# The cases each subject may see (BRIEF "Who sees what"): the case's organisations and fund
# administrators all of them, drafts too; the readers of submitted cases all but the drafts;
# another applicant organisation nothing; the scientific reviewer the application assigned to
# them (its page names the sketch it came from). (Subjects whose lists are refused see nothing
# either; the board secretary sees only the applications in the proposal sent to the city
# director, none of these.)
SUBMITTED_CASES = CASE_TITLES - {DRAFT_SKETCH, DRAFT_APPLICATION}
CASES_SEEN = {
    "applicant": CASE_TITLES,
    "other_applicant": set(),
    "co_owner": CASE_TITLES,
    "partner": CASE_TITLES,
    "conflicted_member": CASE_TITLES,
    "council_member": SUBMITTED_CASES,
    "reviewer": {APPLICATION, APPLIED_SKETCH},
    "fund_admin": CASE_TITLES,
    "city_director": SUBMITTED_CASES,
    "delegate": SUBMITTED_CASES,
    "board_secretary": set(),
    "auditor": SUBMITTED_CASES,
    "no_role": set(),
}


@pytest.mark.django_db
def test_pages_show_only_the_cases_one_may_see(client):
    """The matrix checks statuses; a list or a page that answers 200 must not show a case the
    subject may not see (a draft, another organisation's case), by title or by a link to it,
    and the lists show all the cases they may."""
    world = build_world()
    sketches = {s.title: s.pk for s in IdeaSketch.objects.all()}
    applications = {a.title: a.pk for a in Application.objects.all()}
    mismatches = []
    for subject, seen in CASES_SEEN.items():
        client.force_login(world.people[subject])
        hidden = CASE_TITLES - seen
        hidden_links = {f'href="/sketches/{sketches[t]}/"' for t in hidden & SKETCH_TITLES} | {
            f'href="/applications/{applications[t]}/"' for t in hidden & APPLICATION_TITLES
        }
        pages = {
            "/": set(),
            f"/calls/{world.call.pk}/": set(),
            "/sketches/": seen & SKETCH_TITLES,
            "/applications/": seen & APPLICATION_TITLES,
            # The review, "My reviews", and the proposal of the call (which lists the call's
            # other applications), and projects.
            f"/applications/{world.application.pk}/review/": set(),
            "/reviews/": set(),
            "/proposals/": set(),
            f"/proposals/{world.proposal.pk}/": set(),
            "/projects/": set(),
        }
        pages |= {f"/sketches/{sketches[title]}/": set() for title in seen & SKETCH_TITLES}
        pages |= {
            f"/applications/{applications[title]}/": set() for title in seen & APPLICATION_TITLES
        }
        for path, listed in pages.items():
            response = client.get(path)
            if response.status_code != 200:
                continue  # the matrix says who is refused
            text = response.content.decode()
            shown = {title for title in CASE_TITLES if title in text}
            if shown - seen:
                mismatches.append(f"{subject} {path}: shows {sorted(shown - seen)}")
            links = sorted(link for link in hidden_links if link in text)
            if links:
                mismatches.append(f"{subject} {path}: links to {links}")
            if listed - shown:
                mismatches.append(f"{subject} {path}: does not list {sorted(listed - shown)}")
    assert not mismatches, "\n  ".join(["", *mismatches])


APPLICANT_SIDE = ("applicant", "other_applicant", "co_owner", "partner")
# The review, proposal and project pages, and the applications' own pages.
PAGES_AFTER_SCORING = (
    "applications:review",
    "applications:recommend",
    "reviews:",
    "proposals:",
    "projects:",
    "applications:detail",
    "applications:version",
    "applications:compare",
)


@pytest.mark.django_db
def test_applicants_never_see_who_scored_or_what_they_wrote(client):
    """BRIEF "Who sees what": individual scores and scorers' names are never shown to
    applicants (the council's joint recommendation and its reasons are; a scientific statement
    only without the reviewer's name). Once the assigned council member has scored and the
    reviewer has written a statement, no page that an applicant-side subject can open among the
    review, proposal and project pages and the applications' own pages shows a reviewer's name
    or a score's comment."""
    world = build_world()
    application = world.application
    score(
        world.council_assignment,
        version=application.current_version,
        comment=SCORE_COMMENT,
        criteria=criteria(comment=SCORE_COMMENT),
    )
    case_services.review_statement_submit(
        actor=world.people["reviewer"],
        assignment=world.reviewer_assignment,
        version=application.current_version,
        evidence="Metoden stöds av forskning.",
        evaluation="Effekterna kan mätas.",
    )
    secrets = (COUNCIL_MEMBER_NAME, REVIEWER_NAME, SCORER_NAME, SCORE_COMMENT)
    paths = {
        row.path(world)
        for row in MATRIX
        if row.method == "GET" and row.html and row.name.startswith(PAGES_AFTER_SCORING)
    }
    paths |= {f"/applications/{pk}/" for pk in Application.objects.values_list("pk", flat=True)}
    opened, mismatches = set(), []
    for subject in APPLICANT_SIDE:
        client.force_login(world.people[subject])
        for path in sorted(paths):
            response = client.get(path)
            if response.status_code != 200:
                continue  # the matrix says who is refused
            opened.add((subject, path))
            text = response.content.decode()
            shown = [secret for secret in secrets if secret in text]
            if shown:
                mismatches.append(f"{subject} {path}: shows {shown}")
    # The owner's people do read their applications (scored and recommended) and the project.
    for path in (
        f"/applications/{application.pk}/",
        f"/applications/{world.decided_item.application_id}/",
        f"/projects/{world.project.pk}/",
    ):
        assert ("applicant", path) in opened, path
    assert not mismatches, "\n  ".join(["", *mismatches])


def test_every_url_is_in_the_matrix():
    named = set(url_names(get_resolver().url_patterns))
    covered = {row.name for row in MATRIX}
    assert named - covered == set(), "URLs without access rows: add them to MATRIX"
    assert covered - named == set(), "Rows for URLs that no longer exist"


def test_every_pattern_has_a_name():
    """Unnamed patterns would escape the matrix."""

    def unnamed(patterns):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace not in EXCLUDED:
                    yield from unnamed(pattern.url_patterns)
            elif not pattern.name:
                yield str(pattern.pattern)

    assert list(unnamed(get_resolver().url_patterns)) == []
