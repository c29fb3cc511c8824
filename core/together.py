"""Several small querysets read in one query: a case page shows a dozen short lists (the
participants, activities, milestones, budget rows, attachments...), each a few rows by an
indexed key. Read one by one they are a dozen round trips on every view of the page; read
``together`` they are one, and a page's query count stays within its budget as apps add lists.

Each queryset keeps its own filters, ordering and ``select_related`` (one level); its rows come
back as JSON inside one ``SELECT ARRAY(...), ARRAY(...)`` and are made into model instances
(with their related objects) by the fields' own ``to_python``. What ``together`` does not
support (``values()``, annotations, deferred fields, nested ``select_related``) it refuses
rather than reads wrongly.
"""

from __future__ import annotations

import json
from decimal import Decimal

from django.db import connections
from django.db.models import F, Model, QuerySet, TextField
from django.db.models.functions import Cast, JSONObject


def _columns(model, prefix: str = "") -> dict:
    return {field.attname: F(prefix + field.attname) for field in model._meta.concrete_fields}


def _related(queryset: QuerySet) -> dict[str, type[Model]]:
    chosen = queryset.query.select_related
    if chosen is True:
        raise ValueError("together() needs select_related with names, not all relations.")
    related = {}
    for name, nested in (chosen or {}).items():
        if nested:
            raise ValueError(f"together() reads one level of select_related, not {name}'s.")
        related[name] = queryset.model._meta.get_field(name).related_model
    return related


def _refuse_unsupported(queryset: QuerySet) -> None:
    query = queryset.query
    if query.annotations or query.values_select or query.deferred_loading != (frozenset(), True):
        raise ValueError("together() reads plain querysets of model instances.")


def _instance(model, row: dict, db: str):
    fields = model._meta.concrete_fields
    values = [field.to_python(row[field.attname]) for field in fields]
    return model.from_db(db, [field.attname for field in fields], values)


def together(**querysets: QuerySet) -> dict[str, list[Model]]:
    """Each queryset's rows (as ``list(queryset)`` gives them), all in one query."""
    if not querysets:
        return {}
    db = next(iter(querysets.values())).db
    plans, parts, params = {}, [], []
    for name, queryset in querysets.items():
        _refuse_unsupported(queryset)
        related = _related(queryset)
        columns = _columns(queryset.model)
        for relation, model in related.items():
            columns[f"related__{relation}"] = JSONObject(**_columns(model, f"{relation}__"))
        rows = queryset.values_list(Cast(JSONObject(**columns), TextField()), flat=True)
        sql, more = rows.query.sql_with_params()
        parts.append(f"ARRAY({sql})")
        params.extend(more)
        plans[name] = (queryset.model, related)
    with connections[db].cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        arrays = cursor.fetchone()
    found = {}
    for (name, (model, related)), texts in zip(plans.items(), arrays, strict=True):
        objects = []
        for text in texts:
            row = json.loads(text, parse_float=Decimal)
            instance = _instance(model, row, db)
            for relation, related_model in related.items():
                data = row[f"related__{relation}"]
                linked = None
                if data is not None and data.get(related_model._meta.pk.attname) is not None:
                    linked = _instance(related_model, data, db)
                model._meta.get_field(relation).set_cached_value(instance, linked)
            objects.append(instance)
        found[name] = objects
    return found
