"""The arithmetic of reclaim plans (``reclaim.plans``) against a plain-integer reference model:
for random measured savings, policies, caps and booked years, a drafted plan never has a line
outside its window, keeps every saving (inside as a line or outside as a saving), and a plan
fitted to the cap adds up to the cap exactly, keeps the booked lines and never raises a line."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from reclaim import plans

ORGANISATIONS = st.integers(min_value=1, max_value=6)
YEARS = st.integers(min_value=2018, max_value=2036)
AMOUNTS = st.integers(min_value=0, max_value=50_000_000)
MEASURED = st.dictionaries(st.tuples(ORGANISATIONS, YEARS), AMOUNTS, max_size=30)
POLICIES = st.builds(
    plans.Policy,
    window_years=st.integers(min_value=1, max_value=6),
    start_offset=st.integers(min_value=0, max_value=2),
    cap_at_net_paid=st.booleans(),
)


def reference_draft(measured, start_year, window_years):
    """The rule written out: reclaim years start_year .. start_year + n - 1."""
    inside, outside = {}, {}
    for (organisation, year), amount in measured.items():
        if amount == 0:
            continue
        if start_year <= year < start_year + window_years:
            inside[(organisation, year)] = amount
        else:
            outside[(organisation, year)] = amount
    return inside, outside


@settings(max_examples=300, deadline=None)
@given(MEASURED, YEARS, POLICIES)
def test_a_draft_has_lines_inside_the_window_only_and_keeps_every_saving(
    measured, start_year, policy
):
    drafted = plans.draft(measured, start_year, policy)
    inside, outside = reference_draft(measured, start_year, policy.window_years)
    assert drafted.lines == inside
    assert drafted.outside == outside
    assert len(plans.window(start_year, policy)) == policy.window_years <= 6
    assert all(year in plans.window(start_year, policy) for _org, year in drafted.lines)
    assert drafted.total + sum(drafted.outside.values()) == sum(measured.values())
    assert plans.problems(drafted.lines, start_year, policy, None) == []


@settings(max_examples=300, deadline=None)
@given(MEASURED, YEARS, st.integers(min_value=0, max_value=200_000_000), st.data())
def test_fitting_to_the_cap_adds_up_to_the_cap_and_keeps_booked_lines(
    measured, start_year, cap, data
):
    lines = plans.draft(measured, start_year, plans.Policy()).lines
    keys = sorted(lines)
    booked = set(data.draw(st.lists(st.sampled_from(keys), unique=True))) if keys else set()
    total = sum(lines.values())
    fixed_total = sum(lines[key] for key in booked)
    open_keys = [key for key in keys if key not in booked]
    if total > cap and (fixed_total > cap or not open_keys):
        with pytest.raises(plans.CannotFit):
            plans.fit_to_cap(lines, cap, booked)
        return
    fitted = plans.fit_to_cap(lines, cap, booked)
    assert set(fitted) == set(lines)
    assert sum(fitted.values()) == min(total, cap)
    assert plans.excess(fitted, cap) == 0
    for key in booked:
        assert fitted[key] == lines[key]
    for key in keys:
        assert 0 <= fitted[key] <= lines[key]
    if total > cap:
        # Pro rata: each open line within a krona of its exact share of what is left.
        left = cap - fixed_total
        whole = sum(lines[key] for key in open_keys)
        for key in open_keys:
            exact = Fraction(left * lines[key], whole)
            assert abs(fitted[key] - exact) < 1
        assert plans.fit_to_cap(fitted, cap, booked) == fitted  # fitting twice changes nothing


@given(MEASURED, YEARS, st.integers(min_value=0, max_value=100_000_000))
def test_a_plan_above_the_cap_needs_the_explicit_choice(measured, start_year, cap):
    policy = plans.Policy()
    lines = plans.draft(measured, start_year, policy).lines
    over = sum(lines.values()) - cap
    found = plans.problems(lines, start_year, policy, cap)
    assert plans.excess(lines, cap) == max(0, over)
    assert bool(found) == (over > 0)
    assert plans.problems(lines, start_year, policy, cap, above_cap_accepted=True) == []


def test_lines_outside_the_window_or_negative_are_named_in_swedish():
    lines = {(1, 2030): 100, (1, 2024): 5, (2, 2027): -1, (2, 2031): 7}
    names = {1: "Socialnämnden", 2: "Farsta"}
    with translation.override("sv"):
        found = plans.problems(lines, 2025, plans.Policy(), 50, names=names)
    assert found == [
        "Socialnämnden 2024 ligger utanför återföringsperioden 2025–2030.",
        "Farsta 2027: ett belopp att återföra kan inte vara negativt.",
        "Farsta 2031 ligger utanför återföringsperioden 2025–2030.",
        "Planen ligger 61\xa0kr över taket på 50\xa0kr: anpassa den till taket, eller så "
        "godtar stadsdirektören den över taket med en motivering.",
    ]


def test_the_window_starts_the_year_after_the_decision_and_lasts_six_years():
    policy = plans.Policy()
    start = plans.first_year(dt.date(2024, 3, 12), policy)
    assert start == 2025
    assert list(plans.window(start, policy)) == [2025, 2026, 2027, 2028, 2029, 2030]
    with pytest.raises(ValueError, match="window_years"):
        plans.Policy(window_years=7)


def test_an_installment_is_overdue_from_the_first_of_february_after_its_year():
    assert not plans.is_overdue(2026, dt.date(2027, 1, 31))
    assert plans.is_overdue(2026, dt.date(2027, 2, 1))
    assert not plans.is_overdue(2026, dt.date(2026, 6, 1))


@given(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2100, 12, 31)), YEARS)
def test_the_latest_overdue_year_agrees_with_the_overdue_rule(today, year):
    assert plans.is_overdue(year, today) == (year <= plans.latest_overdue_year(today))


SUCCESSORS = st.lists(
    st.tuples(st.integers(min_value=2, max_value=8), st.integers(min_value=1, max_value=10_000)),
    min_size=1,
    max_size=4,
    unique_by=lambda pair: pair[0],
)


@settings(max_examples=300, deadline=None)
@given(MEASURED, SUCCESSORS, st.data())
def test_a_move_after_a_reorganisation_keeps_every_year_and_the_settled_lines(
    lines, successors, data
):
    """The replaced organisation 1's open lines go to the successors by their shares: each
    year's total stays to the krona, settled lines stay, organisation 1 keeps only settled
    lines, each successor gets within a krona of its exact share; refused only when a share
    would land on a settled line of a successor."""
    settled = data.draw(st.sets(st.sampled_from(sorted(lines)))) if lines else set()
    try:
        moved = plans.move_lines(lines, settled, 1, successors)
    except plans.CannotMove as cannot:
        successor, year = cannot.args[0]
        assert (successor, year) in settled
        assert successor in {pk for pk, _share in successors}
        assert lines.get((1, year), 0) > 0
        assert (1, year) not in settled
        return
    whole = sum(share for _pk, share in successors)
    for year in {year for _organisation, year in lines}:
        assert sum(a for (_o, y), a in moved.items() if y == year) == sum(
            a for (_o, y), a in lines.items() if y == year
        )
        open_amount = lines.get((1, year), 0) if (1, year) not in settled else 0
        for successor, share in successors:
            gained = moved.get((successor, year), 0) - lines.get((successor, year), 0)
            assert abs(Fraction(gained) - Fraction(open_amount * share, whole)) < 1
    for key in settled:
        assert moved[key] == lines[key]
    assert all(key in settled for key, amount in moved.items() if key[0] == 1 and amount)
