"""The small shared pieces every app builds its pages from: counted start-page items, the one
reason form, a table's scroll region, the recording time of history and the filters' quick
select. (The stored-file helpers are tested with the call documents, the case querysets' list
filter with the sketches.)"""

from __future__ import annotations

import datetime as dt

import pytest
from django import forms
from django.template import Context, Template, TemplateSyntaxError
from django.utils import translation
from django.utils.translation import ngettext_lazy
from pytest_django.asserts import assertHTMLEqual

from core.attention import counted, counts
from core.events import event_record, recorded_at
from core.forms import ReasonForm
from core.forms.widgets import QuickSelect

TITLE = ngettext_lazy(
    "%(count)s idea sketch waits for the council's decision",
    "%(count)s idea sketches wait for the council's decision",
    "count",
)


@pytest.mark.django_db
def test_counts_gives_each_querysets_count_in_one_query(django_assert_num_queries):
    from django.db.models import Exists, OuterRef

    from core.models import Role, RoleAssignment, User
    from tests import factories

    for role in (Role.APPLICANT, Role.APPLICANT, Role.AUDITOR):
        factories.person(role)
    factories.UserFactory(is_active=False)
    people = User.objects.all()
    with_role = RoleAssignment.objects.filter(user=OuterRef("pk"), role=Role.APPLICANT)
    querysets = [
        people,
        people.filter(is_active=False),
        people.filter(Exists(with_role)),
        people.exclude(Exists(with_role)).order_by("-email"),
        people.filter(role_assignments__role__in=[Role.APPLICANT, Role.AUDITOR]).distinct(),
        people.filter(email="nobody@example.org"),
    ]
    expected = [queryset.count() for queryset in querysets]
    with django_assert_num_queries(1):
        assert counts(*querysets) == expected
    assert expected[-1] == 0
    assert expected[2] == 2
    assert counts() == []


def test_counted_says_nothing_when_nothing_waits():
    assert counted("fund_admin", 0, TITLE, url="/") == []


def test_counted_chooses_the_form_by_the_count_in_the_readers_language():
    with translation.override("sv"):
        [one] = counted("fund_admin", 1, TITLE, url="/council/")
        [many] = counted("fund_admin", 3, TITLE, url="/council/", kind="info")
    assert one.title == "1 idéskiss väntar på rådets beslut"
    assert many.title == "3 idéskisser väntar på rådets beslut"
    assert (one.count, one.kind, one.url) == (1, "action", "/council/")
    assert (many.count, many.kind) == (3, "info")


def test_the_reason_form_is_required_unless_said_otherwise():
    with translation.override("en"):
        required = ReasonForm({"reason": ""})
        assert not required.is_valid()
        assert required.fields["reason"].label == "Reason"
        explained = ReasonForm({"reason": " "}, message="Give the reason for withdrawing.")
        assert explained.errors["reason"] == ["Give the reason for withdrawing."]
        optional = ReasonForm({"reason": ""}, required=False)
        assert optional.is_valid()
        assert optional.fields["reason"].label == "Comment (optional)"
        labelled = ReasonForm(required=False, label="Reason (optional)")
        assert labelled.fields["reason"].label == "Reason (optional)"
        assert "idempotency_key" in labelled.initial
        assert not ReasonForm({"reason": "x" * 2001}).is_valid()


def test_a_table_scrolls_in_its_own_labelled_focusable_region():
    html = Template(
        '{% load layout %}{% table_scroll "t-" name "-caption" %}'
        '<table><caption id="t-budget-caption">Budget</caption></table>{% endtable_scroll %}'
    ).render(Context({"name": "budget"}))
    assert (
        '<div class="table-scroll" role="region" aria-labelledby="t-budget-caption" '
        'tabindex="0"><table><caption id="t-budget-caption">Budget</caption></table></div>'
    ) in html


def test_a_table_scroll_region_must_be_named():
    with pytest.raises(TemplateSyntaxError):
        Template("{% load layout %}{% table_scroll %}<table></table>{% endtable_scroll %}").render(
            Context({})
        )


@pytest.mark.django_db
def test_history_is_recorded_at_the_moment_it_describes_and_nothing_else_is(fund_admin):
    moment = dt.datetime(2017, 3, 1, 9, tzinfo=dt.UTC)
    with recorded_at(moment):
        then = event_record(actor=fund_admin, action="user.updated", target=fund_admin)
    now = event_record(actor=fund_admin, action="user.updated", target=fund_admin)
    assert then.created_at == moment
    assert now.created_at > moment


@pytest.mark.parametrize("value", ["", "2", None])
def test_the_quick_select_renders_what_djangos_select_does(value):
    choices = [
        ("", "Alla"),
        ("1", 'Farsta <"stadsdelsnämnd"> & co'),
        ("Grupp & <x>", [("2", "Två"), ("3", "Tre")]),
    ]
    attrs = {"class": "form-select", "id": "id_val", "required": True, "disabled": False}
    django_select = forms.Select(attrs=attrs, choices=choices).render("val", value)
    quick = QuickSelect(attrs=attrs, choices=choices).render("val", value)
    assertHTMLEqual(quick, django_select)


@pytest.mark.django_db
def test_filter_forms_render_their_selects_quickly_and_the_same():
    from core.forms import UserFilterForm

    form = UserFilterForm({"role": "auditor"})
    assert type(form.fields["role"].widget) is QuickSelect
    plain = forms.Select(
        attrs=form.fields["role"].widget.attrs, choices=form.fields["role"].choices
    )
    assertHTMLEqual(str(form["role"]), plain.render("role", "auditor", {"id": "id_role"}))
