"""Every id taken from a request is read one way (``core.ids.parse_id``: ASCII digits, in
range): a bad one is a 404 or a form error, never a 500 and never another record."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import URLPattern, URLResolver, get_resolver

from core.forms import IdField, IdModelChoiceField, IdModelMultipleChoiceField
from core.ids import MAX_ID, parse_id
from core.models import Fund
from tests import factories
from tests.matrix import build_world
from tests.test_access_matrix import MATRIX

ARABIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
BAD = ["²", "①", "١", "0", "-1", str(MAX_ID + 1), str(2**64), "1e3", " 1", "1 ", ""]


def test_parse_id_takes_ascii_digits_in_range_only():
    assert parse_id("7") == 7
    assert parse_id(7) == 7
    assert parse_id(str(MAX_ID)) == MAX_ID
    for value in [*BAD, None, True, 1.0, "７"]:  # the last: a full-width seven
        assert parse_id(value) is None, repr(value)


def _id_patterns(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _id_patterns(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern) and "<id:" in str(pattern.pattern):
            yield prefix + str(pattern.pattern)


def test_every_id_in_a_path_is_read_by_the_id_converter():
    """No ``<int:...>``: that converter takes ids (and years) too large for the database."""
    paths = list(_id_patterns(get_resolver().url_patterns))
    assert len(paths) > 50
    assert not [p for p in paths if "<int:" in p]


@pytest.mark.django_db
def test_too_large_or_zero_ids_in_every_path_are_404(client):
    world = build_world()
    client.force_login(world.people["fund_admin"])
    rows = [row for row in MATRIX if row.method == "GET" and re.search(r"/\d+/", row.path(world))]
    assert len(rows) > 30
    for row in rows:
        path = row.path(world)
        for bad in (str(MAX_ID + 1), "0", "99999999999999999999"):
            broken = re.sub(r"/\d+/", f"/{bad}/", path, count=1)
            assert client.get(broken).status_code == 404, broken


@pytest.mark.django_db
@pytest.mark.parametrize("bad", ["²", "①", "١", "0", str(MAX_ID + 1)])
def test_ids_in_query_parameters_and_posts_are_404(client, bad, fund_admin, applicant):
    fund = factories.FundFactory()
    client.force_login(fund_admin)
    assert client.get(f"/council/meetings/new/?fund={bad}").status_code == 404
    assert client.post("/proposals/new/", {"call": bad}).status_code == 404
    # The same id, as the digits of another script, is not that fund.
    other_script = str(fund.pk).translate(ARABIC)
    assert client.get(f"/council/meetings/new/?fund={other_script}").status_code == 404
    client.force_login(applicant)
    assert client.get(f"/sketches/new/?call={bad}").status_code == 404


@pytest.mark.django_db
def test_a_choice_of_records_takes_no_other_scripts_digits_and_no_huge_ids():
    fund = factories.FundFactory()
    single = IdModelChoiceField(queryset=Fund.objects.all())
    multiple = IdModelMultipleChoiceField(queryset=Fund.objects.all())
    assert single.clean(str(fund.pk)) == fund
    assert list(multiple.clean([str(fund.pk)])) == [fund]
    for bad in [str(fund.pk).translate(ARABIC), "²", str(MAX_ID + 1), str(2**64)]:
        with pytest.raises(ValidationError):
            single.clean(bad)
        with pytest.raises(ValidationError):
            multiple.clean([bad])


def test_a_hidden_id_field_takes_ascii_digits_only():
    field = IdField(required=False)
    assert field.clean("12") == 12
    assert field.clean("") is None
    for bad in ["١٢", "²", str(2**64)]:
        with pytest.raises(ValidationError):
            field.clean(bad)


@pytest.mark.django_db
def test_a_form_posted_with_another_scripts_digits_says_so(client, fund_admin):
    """The council meeting's members, posted as Arabic-Indic digits of a real member's id."""
    member = factories.person("council_member")
    fund = factories.FundFactory()
    client.force_login(fund_admin)
    response = client.post(
        f"/council/meetings/new/?fund={fund.pk}",
        {"held_on": "2026-01-10", "members": [str(member.pk).translate(ARABIC)]},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["members"]


@pytest.mark.django_db
def test_a_year_in_a_path_has_four_digits(client):
    world = build_world()
    client.force_login(world.people["fund_admin"])
    line = world.reclaim_version.lines.order_by("pk").first()
    base = f"/reclaim/projects/{world.project.pk}/lines/{line.organisation_id}"
    for bad in ("99999999999999999999", "20271", "٢٠٢٧", "27"):
        assert client.get(f"{base}/{bad}/book/").status_code == 404, bad
