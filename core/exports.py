"""Lists as files: CSV (UTF-8 with a byte-order mark, comma or semicolon) and XLSX (numbers
and dates as such, the header row frozen), from the same rows the list shows with the same
filters (a view asks the list's own query function for them, then hands them here).

A text cell that a spreadsheet would read as a formula (starting with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return) is neutralised with a leading apostrophe, in both formats:
a title such as ``=HYPERLINK(...)`` stays text. CSV is streamed row by row from a server-side
cursor; XLSX is written in XlsxWriter's constant-memory mode to a temporary file, so 50,000
ledger rows never sit in memory at once."""

from __future__ import annotations

import csv
import datetime as dt
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
TEXT, NUMBER, DATE = "text", "number", "date"
# Rows fetched at a time from the database while a file is written.
CHUNK = 2000


@dataclass(frozen=True)
class Column:
    header: str
    value: Callable[[Any], Any]
    kind: str = TEXT


def neutralise(text: str) -> str:
    """A text a spreadsheet will not run as a formula."""
    return "'" + text if text.startswith(FORMULA_START) else text


def _value(column: Column, row) -> Any:
    value = column.value(row)
    if value is None or value == "":
        return None
    if column.kind == NUMBER:
        return value if isinstance(value, int | float | Decimal) else Decimal(value)
    if column.kind == DATE:
        if isinstance(value, dt.datetime):
            return timezone.localtime(value).replace(tzinfo=None)
        return value
    return neutralise(str(value))


def _rows(rows: Iterable) -> Iterator:
    """A queryset read in chunks from a server-side cursor; any other iterable as it is."""
    iterator = getattr(rows, "iterator", None)
    return iterator(chunk_size=CHUNK) if iterator is not None else iter(rows)


class _Line:
    """A file-like that hands back what the csv writer writes (one row at a time)."""

    def write(self, text: str) -> str:
        return text


def _csv_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return f"{value:%Y-%m-%d %H:%M}"
    if isinstance(value, dt.date):
        return f"{value:%Y-%m-%d}"
    return str(value)


def csv_response(
    name: str, columns: list[Column], rows: Iterable, *, semicolon: bool = False
) -> StreamingHttpResponse:
    writer = csv.writer(_Line(), delimiter=";" if semicolon else ",")

    def lines() -> Iterator[str]:
        yield "\ufeff" + writer.writerow([neutralise(column.header) for column in columns])
        for row in _rows(rows):
            yield writer.writerow([_csv_text(_value(column, row)) for column in columns])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    # Django's RFC 6266 header: a quote, a line break or a Swedish letter in the name (a fund's
    # series is typed by people) cannot break or inject a header.
    response["Content-Disposition"] = content_disposition_header(True, f"{name}.csv")
    return response


def xlsx_response(name: str, columns: list[Column], rows: Iterable) -> FileResponse:
    import xlsxwriter  # the web process loads it only to write a file

    target = tempfile.TemporaryFile()  # noqa: SIM115 - the response closes it when sent
    workbook = xlsxwriter.Workbook(
        target,
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    sheet = workbook.add_worksheet(name[:31])
    header = workbook.add_format({"bold": True, "bottom": 1})
    day = workbook.add_format({"num_format": "yyyy-mm-dd"})
    moment = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    amount = workbook.add_format({"num_format": "# ##0"})
    for index, column in enumerate(columns):
        sheet.write_string(0, index, neutralise(column.header), header)
        sheet.set_column(index, index, 14 if column.kind != TEXT else 30)
    sheet.freeze_panes(1, 0)
    for number, row in enumerate(_rows(rows), start=1):
        for index, column in enumerate(columns):
            value = _value(column, row)
            if value is None:
                continue
            if column.kind == NUMBER:
                sheet.write_number(number, index, value, amount)
            elif column.kind == DATE and isinstance(value, dt.datetime):
                sheet.write_datetime(number, index, value, moment)
            elif column.kind == DATE:
                sheet.write_datetime(number, index, dt.datetime.combine(value, dt.time()), day)
            else:
                sheet.write_string(number, index, value)
    workbook.close()
    target.seek(0)
    return FileResponse(
        target,
        as_attachment=True,
        filename=f"{name}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


EXPORTS = ("csv", "csv-semikolon", "xlsx")


def wanted(request) -> bool:
    """The list is asked for as a file (``?export=csv``, ``csv-semikolon`` or ``xlsx``, with
    the list's own filters)."""
    return request.GET.get("export") in EXPORTS


def export_response(request, name: str, columns: list[Column], rows: Iterable):
    """The list as the file the request asks for."""
    kind = request.GET.get("export")
    if kind == "xlsx":
        return xlsx_response(name, columns, rows)
    return csv_response(name, columns, rows, semicolon=kind == "csv-semikolon")
