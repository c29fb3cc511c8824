"""The checks of a fuzzed post: what the database holds before and after, whether the post was
refused or invalid, and the pages that show what it stored."""

from __future__ import annotations

import hashlib
import io
import zipfile

from django.apps import apps
from django.contrib.messages import constants

from tests.fuzz.values import UNESCAPED
from tests.matrix import refused

APPS = ("core", "applications", "projects", "reclaim", "reports")


def snapshot() -> dict[str, str]:
    """Every row of every table of the project's apps, as a digest per table."""
    digests = {}
    for model in apps.get_models():
        if model._meta.app_label not in APPS or model._meta.proxy:
            continue
        rows = model._default_manager.order_by("pk").values_list()
        digests[model._meta.label] = hashlib.sha256(repr(list(rows)).encode()).hexdigest()
    return digests


# A redirect records its idempotency key with where it went (``core.http.idempotent``), a
# refusal with a message included: a technical record, not a change of the case.
TECHNICAL = {"core.IdempotencyKey"}


def changed(before: dict, after: dict, *, redirected: bool = False) -> list[str]:
    ignored = TECHNICAL if redirected else set()
    return sorted(
        label for label in before if before[label] != after[label] and label not in ignored
    )


def _forms_with_errors(response) -> list[str]:
    context = response.context
    if context is None:
        return []
    contexts = context if isinstance(context, list) else [context]
    found = []
    for each in contexts:
        for name, value in each.flatten().items():
            errors = getattr(value, "errors", None)
            if getattr(value, "is_bound", False) and errors and hasattr(value, "is_valid"):
                found.append(name)
    return found


def complaints(response) -> list[str]:
    """What an invalid post was told: each form's errors by field, and the warnings."""
    found = []
    for name in _forms_with_errors(response):
        form = _flat(response)[name]
        if isinstance(form.errors, dict):
            each = {name: form.errors}
        else:  # a formset: a dict per form, and its own errors
            each = {f"{name}-{n}": errors for n, errors in enumerate(form.errors)}
            each[name] = {"__all__": form.non_form_errors()}
        found += [
            f"{where}.{field}: {' '.join(messages)}"
            for where, errors in each.items()
            for field, messages in errors.items()
            if messages
        ]
    storage = getattr(response.wsgi_request, "_messages", None)
    queued = getattr(storage, "_queued_messages", [])
    found += [str(message) for message in queued if message.level >= constants.WARNING]
    return list(dict.fromkeys(found))  # the form is in each template's context


def _flat(response) -> dict:
    contexts = response.context if isinstance(response.context, list) else [response.context]
    flat = {}
    for each in contexts:
        flat.update(each.flatten())
    return flat


def _warned(response) -> bool:
    storage = getattr(response.wsgi_request, "_messages", None)
    queued = getattr(storage, "_queued_messages", [])
    return any(message.level >= constants.WARNING for message in queued)


def outcome(response) -> str:
    """ "refused" (403/404/405/login), "invalid" (a form came back with errors, or a warning was
    queued), or "accepted"."""
    if refused(response) or response.status_code in (400, 429):
        return "refused"
    if _forms_with_errors(response) or _warned(response):
        return "invalid"
    return "accepted"


def parents(path: str) -> list[str]:
    """/projects/5/reports/3/edit/ -> /projects/5/reports/3/, /projects/5/reports/,
    /projects/5/, /projects/."""
    parts = [part for part in path.split("/") if part]
    return [f"/{'/'.join(parts[:n])}/" for n in range(len(parts) - 1, 0, -1)]


def check_html(path: str, response) -> list[str]:
    problems = []
    if response.status_code >= 500:
        problems.append(f"GET {path}: {response.status_code}")
    if "html" in response.get("Content-Type", "") and not response.streaming:
        text = response.content.decode("utf-8", "replace")
        problems += [f"GET {path}: unescaped {mark!r}" for mark in UNESCAPED if mark in text]
    return problems


def check_export(client, path: str) -> list[str]:
    """The list's files: CSV as text with its byte-order mark, XLSX a workbook whose cells hold
    no unescaped markup either (the XML escapes it)."""
    problems = []
    separator = "&" if "?" in path else "?"
    for kind in ("csv", "xlsx"):
        url = f"{path}{separator}export={kind}"
        response = client.get(url)
        if response.status_code != 200:
            problems.append(f"GET {url}: {response.status_code}")
            continue
        content = b"".join(response.streaming_content) if response.streaming else response.content
        if kind == "xlsx":
            try:
                with zipfile.ZipFile(io.BytesIO(content)) as book:
                    xml = b"".join(book.read(name) for name in book.namelist())
            except zipfile.BadZipFile:
                problems.append(f"GET {url}: not a workbook")
                continue
            if any(mark.encode() in xml for mark in UNESCAPED):
                problems.append(f"GET {url}: unescaped markup in the workbook's XML")
        elif not content.startswith(b"\xef\xbb\xbf"):
            problems.append(f"GET {url}: no byte-order mark")
        else:
            try:
                content.decode("utf-8")
            except UnicodeDecodeError:
                problems.append(f"GET {url}: not UTF-8")
    return problems


def check_pages(client, action: str, paths: list[str], baseline: dict[str, int]) -> list[str]:
    """GET each page after a stored post: never a 5xx, a page that answered 200 before still
    does (or redirects; the object a ``remove/`` or ``withdraw/`` took away may be gone: 404),
    script text escaped, and the list's files (where the page offers them) are sound."""
    problems = []
    ends = action.rstrip("/").rsplit("/", 1)[-1] in ("remove", "withdraw")
    removed = parents(action)[0] if ends else None
    for path in paths:
        response = client.get(path)
        problems += check_html(path, response)
        gone = removed == path and response.status_code == 404
        if baseline.get(path) == 200 and response.status_code not in (200, 302) and not gone:
            problems.append(f"GET {path}: {response.status_code}, was 200 before the post")
        if response.streaming:  # a download (an attachment above the URL): not a page
            b"".join(response.streaming_content)  # the client closes it safely
            continue
        if response.status_code == 200 and b"export=xlsx" in response.content:
            problems += check_export(client, path)
    return problems
