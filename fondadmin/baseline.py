"""The comparison page of ``make bench`` (``bench/city.py``): mounted only when the bench's own
server sets ``FONDADMIN_BENCH_BASELINE=1`` (``settings.BENCH_BASELINE``), never in a normal
installation.

The bench measures each page side by side with this one under the same gunicorn, middleware,
logged-in person and base template. It counts the page's table rows (``<tr>``), data cells
(``<td>``) and header cells (``<th>``) and asks for the same counts here, with the page's own
query parameters (its filters). This view makes no query of its own: it filters a list held
in memory by those parameters and renders exactly that many rows and cells, no more and no
less. What it does is fixed by that definition and by the page measured, so it cannot be made
slower to flatter a page's ratio without changing this module, which the bench's test holds
to the counts (``tests/test_bench.py``).
"""

from __future__ import annotations

from django import forms
from django.http import QueryDict
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

# The table's shape, as the bench asks for it; every other parameter is a filter.
SHAPE = ("bench_rows", "bench_cells", "bench_headers")
MAX_ROWS = 5_000
MAX_CELLS = 100_000
# The parameter the lists search with (a substring); the others must match exactly.
SEARCH = "q"


class ShapeForm(forms.Form):
    bench_rows = forms.IntegerField(label=_("Rows"), min_value=0, max_value=MAX_ROWS)
    bench_cells = forms.IntegerField(label=_("Cells"), min_value=0, max_value=MAX_CELLS)
    bench_headers = forms.IntegerField(
        label=_("Header cells"), min_value=0, max_value=MAX_CELLS, required=False
    )


def filters_of(query: QueryDict) -> dict[str, str]:
    """The measured page's filters: its non-empty parameters but the shape and the page
    number (the last value of a repeated one, as a form reads it)."""
    return {
        key: value
        for key, value in query.items()
        if key not in SHAPE and key != "page" and value != ""
    }


def in_memory(count: int, filters: dict[str, str]) -> list[dict]:
    """``count`` records, every other one matching ``filters`` (the others hold an empty
    value in each filtered field)."""
    return [
        {"number": number}
        | {key: value if number % 2 == 0 else "" for key, value in filters.items()}
        for number in range(count)
    ]


def matching(records: list[dict], filters: dict[str, str]) -> list[dict]:
    """The records the filters keep: the search as a substring ignoring case, the others
    equal."""
    search = filters.get(SEARCH, "").casefold()
    exact = [(key, value) for key, value in filters.items() if key != SEARCH]
    return [
        record
        for record in records
        if all(record[key] == value for key, value in exact)
        and (not search or search in record[SEARCH].casefold())
    ]


def table(records: list[dict], rows: int, cells: int, headers: int) -> list[list[tuple]]:
    """``rows`` rows (one a record) holding ``headers`` header cells, then ``cells`` data
    cells, spread as evenly as they go; each cell ``(is_header, text)``."""
    total = headers + cells
    width, wider = divmod(total, rows) if rows else (0, 0)
    made, index = [], 0
    for row, record in enumerate(records[:rows]):
        count = width + (1 if row < wider else 0)
        made.append([(index + n < headers, f"{record['number']}.{n + 1}") for n in range(count)])
        index += count
    return made


@require_GET
def baseline(request):
    form = ShapeForm(request.GET)
    if not form.is_valid():
        return render(request, "bench/baseline.html", {"form": form, "rows": []}, status=400)
    shape = form.cleaned_data
    rows = shape["bench_rows"]
    filters = filters_of(request.GET)
    # Twice the rows, so that the filters leave exactly as many as the page showed.
    kept = matching(in_memory(2 * rows, filters), filters)
    return render(
        request,
        "bench/baseline.html",
        {
            "form": form,
            "rows": table(kept, rows, shape["bench_cells"], shape["bench_headers"] or 0),
        },
    )
