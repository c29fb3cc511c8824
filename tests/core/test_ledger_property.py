"""The ledger against a plain-integer reference model, driven by random sequences of actions.

The model keeps a list of entries as tuples of plain integers and dates. It decides whether an
action is allowed by adding it tentatively and checking the brief's invariants at every date it
knows (available >= 0; per case, outstanding >= 0 and net payments >= 0), which is a different
formulation from the service's running minimum. After every action the real ledger must have
refused exactly what the model refused (and then be unchanged) and must report the model's
position at random dates, including before the first entry.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pytest
from django.db import transaction
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from core import services
from core.errors import DomainError
from core.models import LedgerEntry
from tests import factories

START = dt.date(2020, 1, 1)
TODAY = dt.date(2020, 3, 1)
HAND = {"injection", "withdrawal", "fund_expense"}
CASE_KINDS = {"grant", "release", "disbursement", "refund", "return"}
ORG_KINDS = {"disbursement", "refund", "return"}
KINDS = [
    "injection",
    "withdrawal",
    "grant",
    "release",
    "disbursement",
    "refund",
    "fund_expense",
    "return",
]


@dataclass
class Entry:
    kind: str
    amount: int
    day: dt.date
    case: int | None
    reverses: int | None = None  # index of the reversed entry


@dataclass
class Model:
    entries: list[Entry] = field(default_factory=list)

    def sums(self, at: dt.date, case: int | None = None) -> dict[str, int]:
        totals = dict.fromkeys(KINDS, 0)
        for entry in self.entries:
            if entry.day > at or (case is not None and entry.case != case):
                continue
            if entry.kind == "reversal":
                totals[self.entries[entry.reverses].kind] -= entry.amount
            else:
                totals[entry.kind] += entry.amount
        return totals

    def position(self, at: dt.date) -> dict[str, int]:
        s = self.sums(at)
        i = s["injection"] - s["withdrawal"]
        g, r, p = s["grant"], s["release"], s["disbursement"] - s["refund"]
        e, t = s["fund_expense"], s["return"]
        return {
            "balance": i - p - e + t,
            "outstanding": g - r - p,
            "available": i - g + r - e + t,
            "I": i,
            "G": g,
            "R": r,
            "P": p,
            "E": e,
            "T": t,
        }

    def holds(self) -> bool:
        days = {entry.day for entry in self.entries}
        cases = {entry.case for entry in self.entries if entry.case is not None}
        for day in days:
            if self.position(day)["available"] < 0:
                return False
            for case in cases:
                s = self.sums(day, case)
                paid = s["disbursement"] - s["refund"]
                if s["grant"] - s["release"] - paid < 0 or paid < 0:
                    return False
        return True

    def try_add(self, entry: Entry) -> bool:
        self.entries.append(entry)
        if self.holds():
            return True
        self.entries.pop()
        return False

    def record(self, kind, amount, day, case, org, reference, by_hand) -> bool:
        if amount <= 0 or day > TODAY or day < START:
            return False
        if by_hand and kind not in HAND:
            return False
        if kind in CASE_KINDS and case is None:
            return False
        if kind in ORG_KINDS and not org:
            return False
        if kind in ("injection", "withdrawal") and not reference:
            return False
        return self.try_add(Entry(kind, amount, day, case))

    def reverse(self, index, day, reason, by_hand) -> bool:
        target = self.entries[index]
        if not reason or target.kind == "reversal":
            return False
        if any(entry.reverses == index for entry in self.entries):
            return False
        if by_hand and target.kind not in HAND:
            return False
        if day > TODAY or day < START or day < target.day:
            return False
        return self.try_add(Entry("reversal", target.amount, day, target.case, index))


valid_days = st.dates(min_value=START, max_value=TODAY)
days = st.one_of(
    valid_days,
    valid_days,
    valid_days,
    st.dates(min_value=START - dt.timedelta(days=5), max_value=TODAY + dt.timedelta(days=5)),
)
amounts = st.one_of(
    st.integers(min_value=1, max_value=5_000),
    st.integers(min_value=1, max_value=5_000),
    st.sampled_from([0, -1, 10_000_000]),
)
# Mostly well-formed actions (so that sequences get far), sometimes each kind of mistake.
record_action = st.tuples(
    st.just("record"),
    # Grants and disbursements more often: the case rules need them before anything else.
    st.sampled_from([*KINDS, "grant", "grant", "disbursement", "disbursement", "release"]),
    amounts,
    days,
    st.sampled_from([0, 1, 0, 1, None]),  # case
    st.sampled_from([True, True, True, False]),  # organisation named
    st.sampled_from(["KF 2020-01-01 § 1"] * 4 + [""]),
    st.sampled_from(["natural"] * 6 + ["by hand", "by service"]),
)
reverse_action = st.tuples(
    st.just("reverse"),
    st.integers(min_value=0, max_value=20),
    days,
    st.sampled_from(["Fel belopp"] * 4 + [""]),
    st.sampled_from(["natural"] * 6 + ["by hand", "by service"]),
)
actions = st.lists(st.one_of(record_action, record_action, reverse_action), min_size=4, max_size=24)
# Usually an injection first, so that the rest of a sequence has money to work with.
opening_injection = st.tuples(
    st.just("record"),
    st.just("injection"),
    st.integers(5_000, 50_000),
    st.sampled_from([START, START, START + dt.timedelta(days=20)]),
    st.just(None),
    st.just(False),
    st.just("KF"),
    st.just("natural"),
)
some_injections = st.lists(opening_injection, min_size=1, max_size=2)
openings = st.one_of(st.just([]), some_injections, some_injections, some_injections)


def _by_hand(how: str, kind: str) -> bool:
    return {"natural": kind in HAND, "by hand": True, "by service": False}[how]


@pytest.mark.django_db
@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    opening=openings,
    steps=actions,
    probes=st.lists(days | st.just(dt.date(2000, 1, 1)), min_size=3, max_size=6),
)
def test_ledger_matches_the_plain_integer_model(opening, steps, probes, fund_admin):
    with transaction.atomic():
        fund = factories.FundFactory(name="Egenskapsfonden", started_on=START)
        cases = [services.registration_number_allocate(fund=fund) for _ in range(2)]
        organisation = factories.OrganisationFactory(name="Modellnämnden")
        model = Model()
        real: list[LedgerEntry] = []
        for step in opening + steps:
            before = LedgerEntry.objects.count()
            if step[0] == "record":
                _, kind, amount, day, case, org, reference, how = step
                by_hand = _by_hand(how, kind)
                if kind == "injection" and 0 < amount < 10_000:
                    amount *= 10  # capital comes in larger sums than it goes out
                expected = model.record(kind, amount, day, case, org, reference, by_hand)
                try:
                    entry = services.ledger_entry_record(
                        actor=fund_admin,
                        fund=fund,
                        kind=kind,
                        amount=amount,
                        value_date=day,
                        case=cases[case] if case is not None else None,
                        organisation=organisation if org else None,
                        reference=reference,
                        by_hand=by_hand,
                        today=TODAY,
                    )
                except DomainError:
                    allowed = False
                else:
                    allowed = True
                    real.append(entry)
            else:
                _, index, day, reason, how = step
                if index >= len(real):
                    continue
                by_hand = _by_hand(how, real[index].kind)
                expected = model.reverse(index, day, reason, by_hand)
                try:
                    entry = services.ledger_entry_reverse(
                        actor=fund_admin,
                        entry=real[index],
                        reason=reason,
                        value_date=day,
                        by_hand=by_hand,
                        today=TODAY,
                    )
                except DomainError:
                    allowed = False
                else:
                    allowed = True
                    real.append(entry)
            assert allowed == expected, step
            event(f"{step[0]} {step[1] if step[0] == 'record' else ''} allowed={allowed}")
            assert LedgerEntry.objects.count() == before + (1 if allowed else 0)
            for probe in probes[:2]:
                _assert_same_position(fund, model, probe)
        for probe in probes:
            _assert_same_position(fund, model, probe)
        transaction.set_rollback(True)


def _assert_same_position(fund, model: Model, at: dt.date) -> None:
    position = fund.position(at)
    actual = {
        "balance": position.balance,
        "outstanding": position.outstanding,
        "available": position.available,
        "I": position.I,
        "G": position.G,
        "R": position.R,
        "P": position.P,
        "E": position.E,
        "T": position.T,
    }
    assert actual == model.position(at), at
