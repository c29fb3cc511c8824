"""``core.together`` reads several querysets in one query and gives back what ``list(queryset)``
gives: the same rows in the same order, every field with its Python type (dates, times with
their zone, decimals, JSON, files), and the ``select_related`` objects (or None)."""

import pytest
from django.db.models import Model

from applications.models import ApplicationVersion
from core.models import Event
from core.together import together

pytestmark = pytest.mark.django_db


def _same(left: Model, right: Model) -> None:
    assert type(left) is type(right)
    for field in type(left)._meta.concrete_fields:
        mine, theirs = getattr(left, field.attname), getattr(right, field.attname)
        assert mine == theirs, field.name
        assert type(mine) is type(theirs), field.name


def test_together_gives_what_each_queryset_gives_in_one_query(
    complete_application, django_assert_num_queries
):
    application = complete_application
    querysets = {
        "participants": application.participants.select_related("organisation"),
        "activities": application.activities.all(),
        "milestones": application.milestones.order_by("-due_on"),
        "indicators": application.indicators.all(),
        "savings": application.savings.select_related("organisation"),
        "budget": application.budget.select_related("recipient"),
        "events": Event.objects.select_related("actor").order_by("-created_at"),
        "none": ApplicationVersion.objects.filter(application=application),
    }
    expected = {name: list(queryset) for name, queryset in querysets.items()}
    assert all(expected[name] for name in expected if name != "none")
    with django_assert_num_queries(1):
        found = together(**querysets)
    for name, rows in expected.items():
        assert [row.pk for row in found[name]] == [row.pk for row in rows], name
        for mine, theirs in zip(found[name], rows, strict=True):
            _same(mine, theirs)
    for mine, theirs in zip(found["budget"], expected["budget"], strict=True):
        if theirs.recipient_id is None:
            assert mine.recipient is None
        else:
            _same(mine.recipient, theirs.recipient)
    with django_assert_num_queries(0):
        names = [row.organisation.name for row in found["participants"]]
        assert names == [row.organisation.name for row in expected["participants"]]
        assert [e.actor.email if e.actor else None for e in found["events"]] == [
            e.actor.email if e.actor else None for e in expected["events"]
        ]
    assert found["none"] == []
    assert together() == {}


def test_together_refuses_what_it_cannot_read_rightly(complete_application):
    application = complete_application
    for queryset in (
        application.activities.values("title"),
        application.activities.defer("title"),
        application.participants.select_related("application__call"),
    ):
        with pytest.raises(ValueError, match=r"together\(\) reads"):
            together(rows=queryset)
