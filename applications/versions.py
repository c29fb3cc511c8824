"""Frozen versions of an application and the field-by-field comparison of two of them.

A version's content is plain JSON: the application's fields and every row of its tables, each
row under its own key (the row's id in the draft), so that a row edited between two versions
shows as changed, cell by cell, rather than as one removed and one added. Values are stored as
sent (organisation names as they were then); labels are looked up when shown, so a comparison
reads in the viewer's language.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import models
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from core.money import MoneyField, format_amount, format_kr

from .models import (
    Activity,
    Application,
    ApplicationAttachment,
    ApplicationParticipant,
    BudgetRow,
    Indicator,
    Milestone,
    SavingsRow,
)

# The application's own fields, by section of the page: (key, title, field names). The
# services, the edit form and the versions all take their field lists from here.
FIELD_GROUPS = (
    (
        "case",
        _("The case"),
        (
            "title",
            "summary",
            "problem_and_target_group",
            "complements_ordinary_work",
            "planned_start",
            "planned_end",
            "amount_requested",
            "contact_name",
            "contact_email",
            "contact_phone",
        ),
    ),
    (
        "implementation",
        _("Implementation plan"),
        ("project_organisation", "steering_group", "risks"),
    ),
    (
        "evaluation",
        _("Follow-up and evaluation plan"),
        ("evaluation_design", "evaluation_design_text", "evaluator"),
    ),
    ("benefits", _("Benefits-realisation plan"), ("benefits_assumptions",)),
)


@dataclass(frozen=True)
class Table:
    name: str  # the related name on Application
    title: object
    model: type[models.Model]
    columns: tuple[str, ...]


TABLES = (
    Table(
        "participants",
        _("Co-owners and partners"),
        ApplicationParticipant,
        ("organisation", "role"),
    ),
    Table(
        "activities",
        _("Activities"),
        Activity,
        ("title", "description", "starts_on", "ends_on"),
    ),
    Table("milestones", _("Milestones"), Milestone, ("title", "due_on")),
    Table(
        "indicators",
        _("Indicators"),
        Indicator,
        ("name", "unit", "baseline", "target", "data_source"),
    ),
    Table(
        "savings",
        _("Expected cost reductions (plan)"),
        SavingsRow,
        ("organisation", "year", "amount", "assumptions"),
    ),
    Table(
        "budget",
        _("Budget (plan)"),
        BudgetRow,
        ("year", "recipient", "cost_type", "funding_source", "amount", "note"),
    ),
    Table(
        "attachments",
        _("Attachments"),
        ApplicationAttachment,
        ("title", "original_name", "size"),
    ),
)
TABLES_BY_NAME = {table.name: table for table in TABLES}

# What an applicant edits in the draft: the fields of every section, and the tables edited in
# place with their editable columns (as the versions store them). Every table must have a row
# before the application is submitted; of the fields only the telephone may stay empty.
APPLICATION_FIELDS = tuple(name for _key, _title, names in FIELD_GROUPS for name in names)
OPTIONAL_FIELDS = frozenset({"contact_phone"})
REQUIRED_TABLES = ("activities", "milestones", "indicators", "savings", "budget")
ROW_TABLES = {name: TABLES_BY_NAME[name].columns for name in REQUIRED_TABLES}


def stored(instance, name: str):
    model_field = instance._meta.get_field(name)
    if isinstance(model_field, models.ForeignKey):
        related = getattr(instance, name)
        return str(related) if related is not None else None
    value = getattr(instance, name)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def snapshot(application: Application) -> dict:
    """The whole application as it stands, as JSON. The caller has locked the application;
    attachments removed from the draft are not part of it."""
    content = {
        "fields": {
            name: stored(application, name)
            for _key, _title, names in FIELD_GROUPS
            for name in names
        },
        "owner": str(application.owner),
    }
    for table in TABLES:
        rows = getattr(application, table.name).all()
        if table.name == "attachments":
            rows = rows.filter(removed_at__isnull=True)
        content[table.name] = [
            {"key": row.pk, "values": {name: stored(row, name) for name in table.columns}}
            for row in rows
        ]
    return content


def display(model: type[models.Model], name: str, value) -> str:
    """How a stored value reads: choices by label, money as kronor, dates as ISO dates."""
    if value is None or value == "":
        return "–"
    model_field = model._meta.get_field(name)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(model_field, MoneyField):
        return format_kr(value)
    if isinstance(model_field, models.DecimalField):
        number = Decimal(value)
        if number == number.to_integral_value():
            number = number.quantize(Decimal(1))
        return number_format(number)
    if name == "size":
        return format_amount(value)
    return str(value)


_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass
class Cell:
    label: str
    old: str
    new: str

    @property
    def changed(self) -> bool:
        return self.old != self.new

    @property
    def is_date(self) -> bool:
        """Shown as one word: a date in a narrow table never breaks at its hyphens."""
        return any(_DATE.fullmatch(value) for value in (self.old, self.new))


@dataclass
class RowDiff:
    status: str  # added, removed, changed, same
    cells: list[Cell]


@dataclass
class TableDiff:
    table: Table
    labels: list[str]
    rows: list[RowDiff] = field(default_factory=list)

    @property
    def changes(self) -> int:
        return sum(1 for row in self.rows if row.status != "same")


@dataclass
class FieldGroupDiff:
    title: object
    cells: list[Cell]

    @property
    def changes(self) -> int:
        return sum(1 for cell in self.cells if cell.changed)


@dataclass
class Diff:
    groups: list[FieldGroupDiff]
    tables: list[TableDiff]

    @property
    def changes(self) -> int:
        return sum(g.changes for g in self.groups) + sum(t.changes for t in self.tables)


def _label(model, name) -> str:
    return str(model._meta.get_field(name).verbose_name).capitalize()


def compare_content(old: dict, new: dict, *, model, groups, tables) -> Diff:
    """Every field and every row of two contents of the same shape, old against new:
    ``{"fields": {...}, <table name>: [{"key":..., "values": {...}}]}``, with the fields in
    ``groups`` ((key, title, names) of ``model``) and the ``tables``. Projects compare their
    versions with it too."""
    diff_groups = []
    for _key, title, names in groups:
        cells = [
            Cell(
                _label(model, name),
                display(model, name, old["fields"].get(name)),
                display(model, name, new["fields"].get(name)),
            )
            for name in names
        ]
        diff_groups.append(FieldGroupDiff(title, cells))
    diff_tables = []
    for table in tables:
        labels = [_label(table.model, name) for name in table.columns]
        old_rows = {row["key"]: row["values"] for row in old.get(table.name, [])}
        new_rows = {row["key"]: row["values"] for row in new.get(table.name, [])}
        diff = TableDiff(table, labels)
        keys = list(new_rows) + [key for key in old_rows if key not in new_rows]
        for key in keys:
            before, after = old_rows.get(key), new_rows.get(key)
            cells = [
                Cell(
                    label,
                    display(table.model, name, before.get(name)) if before else "",
                    display(table.model, name, after.get(name)) if after else "",
                )
                for label, name in zip(labels, table.columns, strict=True)
            ]
            if before is None:
                status = "added"
            elif after is None:
                status = "removed"
            else:
                status = "changed" if any(cell.changed for cell in cells) else "same"
            diff.rows.append(RowDiff(status, cells))
        diff_tables.append(diff)
    return Diff(diff_groups, diff_tables)


def compare(old: dict, new: dict) -> Diff:
    """Every field and every row of two versions' content, old against new."""
    return compare_content(old, new, model=Application, groups=FIELD_GROUPS, tables=TABLES)


def present(content: dict) -> Diff:
    """One version on its own, in the same shape (nothing marked as changed)."""
    return compare(content, content)
