"""Reclaim plans through the services against a plain-integer reference model: for random
fund rules and random sequences of changes, fits, sends, decisions, sends back, adjustments,
bookings and waivers, the services allow exactly what the model allows, every version's lines
are the model's to the krona and inside the window, no decided version is above the cap
without its recorded reason, and the ledger's returns equal the booked lines."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from core.errors import DomainError
from core.models import EntryKind, LedgerEntry, Organisation
from reclaim import services
from reclaim.models import PlanVersion, VersionState
from reclaim.services.plans import lines_of
from tests.reclaim.conftest import NET_PAID, SAVINGS, YEAR

pytestmark = pytest.mark.django_db
V = VersionState
ORGS = ["social", "education", "owner"]
# A year of the window (most often one of the first), or just after it.
OFFSETS = st.integers(min_value=0, max_value=2) | st.integers(min_value=0, max_value=6)
# This year's lines are the ones that can be booked now.
BOOKED = st.just(0) | OFFSETS
AMOUNTS = st.integers(min_value=0, max_value=3_000_000)

actions = st.lists(
    st.one_of(
        st.tuples(
            st.just("update"),
            st.dictionaries(st.tuples(st.sampled_from(ORGS), OFFSETS), AMOUNTS, max_size=5),
        ),
        st.tuples(st.just("fit")),
        st.tuples(st.just("submit")),
        st.tuples(st.just("approve"), st.booleans()),
        st.tuples(st.just("return")),
        st.tuples(st.just("adjust")),
        st.tuples(st.just("book"), st.sampled_from(ORGS), BOOKED, st.booleans()),
        st.tuples(st.just("waive"), st.sampled_from(ORGS), OFFSETS),
    ),
    max_size=20,
)


# Ways into the interesting states, before the random steps: as drafted; decided as drafted;
# decided, a line of this year booked and an adjustment started; above the cap, fitted and
# decided.
prefixes = st.sampled_from(
    [
        [],
        [("submit",), ("approve", True)],
        [("submit",), ("approve", True), ("book", "education", 0, True), ("adjust",)],
        [
            ("update", {("social", 0): 3_000_000, ("education", 1): 2_000_000}),
            ("fit",),
            ("submit",),
            ("approve", False),
        ],
    ]
)


class Model:
    """The plan as plain integers: the open version (draft or sent), the version in force and
    what became of its lines."""

    def __init__(self, lines: dict, start: int, window: int, cap: int | None):
        self.start, self.window, self.cap = start, window, cap
        self.open = dict(lines)
        self.open_state = V.DRAFT
        self.open_number = 1
        self.reason = ""
        self.in_force: dict | None = None
        self.numbers = 1
        self.settled: dict = {}  # key -> ("booked" | "waived", amount)

    def inside(self, year: int) -> bool:
        return self.start <= year < self.start + self.window

    def update(self, lines: dict) -> bool:
        if self.open_state != V.DRAFT:
            return False
        lines = {key: amount for key, amount in lines.items() if amount}
        if any(not self.inside(year) for _org, year in lines):
            return False
        if any(lines.get(key, 0) != amount for key, (_s, amount) in self.settled.items()):
            return False
        self.open = lines
        if self.open_number > 1:
            self.reason = "Uppföljning."
        return True

    def fit(self) -> bool:
        if self.open_state != V.DRAFT or self.cap is None:
            return False
        total = sum(self.open.values())
        if total <= self.cap:
            return False
        fixed = {key: self.open[key] for key in self.settled if key in self.open}
        left = self.cap - sum(fixed.values())
        open_keys = sorted(key for key in self.open if key not in fixed)
        if left < 0 or not open_keys:
            return False
        whole = sum(self.open[key] for key in open_keys)
        exact = {key: left * self.open[key] / whole for key in open_keys}
        # The services use the largest-remainder split; the model checks the result's sum
        # and bounds and takes the services' parts (see the test).
        self.fitted_exact = exact
        self.fitted_left = left
        return True

    def submit(self) -> bool:
        if self.open_state != V.DRAFT or not self.open:
            return False
        if self.open_number > 1 and not self.reason:
            return False
        self.open_state = V.SUBMITTED
        return True

    def approve(self, with_reason: bool) -> bool:
        if self.open_state != V.SUBMITTED:
            return False
        if self.cap is not None and sum(self.open.values()) > self.cap and not with_reason:
            return False
        self.in_force = dict(self.open)
        self.open_state = None
        self.open = {}
        return True

    def send_back(self) -> bool:
        if self.open_state != V.SUBMITTED:
            return False
        self.open_state = V.DRAFT
        return True

    def adjust(self) -> bool:
        if self.open_state is not None:
            return True  # opens the version already being prepared
        if self.in_force is None:
            return False
        self.numbers += 1
        self.open_number = self.numbers
        self.open = dict(self.in_force)
        self.open_state = V.DRAFT
        self.reason = ""
        return True

    def settle(self, key, amount: int | None, how: str) -> bool:
        if self.in_force is None or key not in self.in_force or key in self.settled:
            return False
        decided = self.in_force[key]
        if how == "booked" and (amount != decided or key[1] > YEAR):
            return False
        self.settled[key] = (how, decided)
        return True


def _open(plan) -> PlanVersion | None:
    return plan.versions.filter(state__in=[V.DRAFT, V.SUBMITTED]).first()


def _in_force(plan) -> PlanVersion | None:
    return plan.versions.filter(state=V.APPROVED).first()


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    window=st.integers(min_value=3, max_value=6) | st.integers(min_value=1, max_value=6),
    capped=st.booleans(),
    prefix=prefixes,
    steps=actions,
)
def test_plans_match_the_plain_integer_model(
    window, capped, prefix, steps, evaluated, fund_admin, city_director, social, education
):
    fund = evaluated.registration.fund
    pk = {"social": social.pk, "education": education.pk, "owner": evaluated.owner_id}
    with transaction.atomic():
        # The window starts the year of the decision, so this year's lines can be booked.
        services.reclaim_policy_change(
            actor=fund_admin,
            fund=fund,
            window_years=window,
            start_offset=0,
            cap_at_net_paid=capped,
            reason="Egenskapstest.",
        )
        plan = services.reclaim_plan_draft(actor=fund_admin, project=evaluated)
        organisations = {"social": social.pk, "education": education.pk}
        drafted = {
            (organisations[name], year): amount
            for name, year, amount in SAVINGS
            if YEAR <= year < YEAR + window and amount
        }
        model = Model(drafted, YEAR, window, NET_PAID if capped else None)
        assert lines_of(_open(plan)) == model.open
        for step in prefix + steps:
            kind = step[0]
            try:
                if kind == "update":
                    lines = {
                        (pk[name], YEAR + offset): amount
                        for (name, offset), amount in step[1].items()
                    }
                    expected = model.update(lines)
                    version = _open(plan)
                    if version is None:
                        raise DomainError("no open version")
                    services.plan_version_update(
                        actor=fund_admin,
                        version=version,
                        start_year=YEAR,
                        lines=lines,
                        reason="Uppföljning.",
                    )
                elif kind == "fit":
                    expected = model.fit()
                    version = _open(plan)
                    if version is None:
                        raise DomainError("no open version")
                    services.plan_version_fit(actor=fund_admin, version=version)
                elif kind == "submit":
                    expected = model.submit()
                    version = _open(plan)
                    if version is None:
                        raise DomainError("no open version")
                    services.plan_version_submit(actor=fund_admin, version=version)
                elif kind == "approve":
                    expected = model.approve(step[1])
                    version = _open(plan)
                    if version is None:
                        raise DomainError("no open version")
                    services.plan_version_approve(
                        actor=city_director,
                        version=version,
                        above_cap_reason="Väl belagt." if step[1] else "",
                    )
                elif kind == "return":
                    expected = model.send_back()
                    version = _open(plan)
                    if version is None:
                        raise DomainError("no open version")
                    services.plan_version_return(
                        actor=city_director, version=version, message="Ändra."
                    )
                elif kind == "adjust":
                    expected = model.adjust()
                    services.plan_adjustment_start(actor=fund_admin, plan=plan)
                elif kind == "book":
                    _kind, name, offset, right = step
                    key = (pk[name], YEAR + offset)
                    decided = (model.in_force or {}).get(key)
                    amount = decided if right and decided is not None else (decided or 0) + 1
                    expected = model.settle(key, amount, "booked")
                    services.installment_book(
                        actor=fund_admin,
                        plan=plan,
                        organisation=Organisation.objects.get(pk=key[0]),
                        year=key[1],
                        amount=amount,
                        value_date=timezone.localdate(),
                    )
                else:
                    _kind, name, offset = step
                    key = (pk[name], YEAR + offset)
                    expected = model.settle(key, None, "waived")
                    services.installment_waive(
                        actor=city_director,
                        plan=plan,
                        organisation=Organisation.objects.get(pk=key[0]),
                        year=key[1],
                        reason="Efterskänkt.",
                    )
            except DomainError:
                allowed = False
            else:
                allowed = True
            event(f"{kind} allowed={allowed}")
            assert allowed == expected, (step, model.__dict__)
            plan.refresh_from_db()
            open_version = _open(plan)
            if kind == "fit" and allowed:
                fitted = lines_of(open_version)
                assert sum(fitted.values()) == model.cap
                for key, exact in model.fitted_exact.items():
                    assert abs(fitted[key] - exact) < 1
                model.open = fitted
            # The services' plan is the model's, to the krona, and inside the window.
            assert (lines_of(open_version) if open_version else {}) == model.open
            in_force = _in_force(plan)
            assert (lines_of(in_force) if in_force else None) == model.in_force
            for version in plan.versions.all():
                assert all(model.inside(year) for _org, year in lines_of(version))
                if version.state in (V.APPROVED, V.SUPERSEDED) and version.cap is not None:
                    over = sum(lines_of(version).values()) > version.cap
                    assert not over or version.above_cap_reason
            # The ledger's returns are the booked lines.
            returns = LedgerEntry.objects.filter(kind=EntryKind.RETURN, case=evaluated.registration)
            booked = {k: a for k, (how, a) in model.settled.items() if how == "booked"}
            assert sorted(returns.values_list("organisation_id", "year", "amount")) == sorted(
                (org, year, amount) for (org, year), amount in booked.items()
            )
        transaction.set_rollback(True)
