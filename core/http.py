"""Small helpers for thin views."""

from __future__ import annotations

import datetime as dt
import uuid
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import DomainError
from core.files import safe_name, servable_type
from core.forms import CommentForm, DocumentForm
from core.models import IdempotencyKey, Organisation
from core.services.comments import comment_add, comment_withdraw


def paginate(request, queryset):
    """The requested page of a list (``LIST_PAGE_SIZE`` rows), and the list's other query
    parameters (for page links)."""
    page = Paginator(queryset, settings.LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return page, query.urlencode()


def add_domain_error(form, error: DomainError) -> None:
    """Show a refused action on the form: on its field if it names one the form has."""
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)


def submit_flags(refusal: DomainError | None) -> dict:
    """What a submit page shows, from the refusal the submit service would give: whether the
    case can be submitted at all in its state, and whether it is on time."""
    code = refusal.code if refusal is not None else None
    return {"submittable": code != "transition", "open": code != "deadline_passed"}


def upload_page(request, *, upload, title: str, success: str, back_href: str, back_label: str):
    """The page of a form that uploads one file with a title. ``upload(title=, uploaded=)``
    calls the service (which stores it with ``core.files.store_upload``); a refusal shows on
    the form, success goes back with ``success`` as the message."""
    posted = request.method == "POST"
    form = DocumentForm(request.POST if posted else None, request.FILES if posted else None)
    if posted and form.is_valid():
        try:
            upload(title=form.cleaned_data["title"], uploaded=form.cleaned_data["file"])
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, success)
            return redirect(back_href)
    return render(
        request,
        "core/simple_form.html",
        {
            "form": form,
            "multipart": True,
            "title": title,
            "button": _("Upload"),
            "back_href": back_href,
            "back_label": back_label,
        },
    )


def file_download(stored) -> FileResponse:
    """A stored file as a download under its original name (the caller has checked access).

    Always an attachment, never shown in the app's own origin: with a type from the upload
    allow-list (anything else as plain bytes), the name made safe again (RFC 6266 with
    ``filename*`` for Swedish letters, no quote or line break can reach the header), and
    nosniff, so that a browser never reads it as a page.
    """
    response = FileResponse(
        stored.file.open("rb"),
        as_attachment=True,
        filename=safe_name(stored.original_name) or "fil",
        content_type=servable_type(stored.content_type),
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


class _Unsuccessful(Exception):
    def __init__(self, response):
        self.response = response


def idempotent(view):
    """Make a POST that creates something safe against double-clicks and reloads.

    The form carries a one-time ``idempotency_key``. The first request with a key records it
    together with who sent it, to which address, and where its success redirected; a later
    request with the same key from the same person to the same address is sent to the same place
    without doing the work again. Two requests at the same instant: the second waits on the key's
    unique index and then follows the first. A response that is not a redirect (the form had
    errors) stores nothing, so the form can be sent again. A key that belongs to someone else or
    to another form protects nothing and replays nothing: the request is handled as usual.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        raw = request.POST.get("idempotency_key", "") if request.method == "POST" else ""
        try:
            key = uuid.UUID(raw)
        except ValueError:
            return view(request, *args, **kwargs)
        user = request.user if request.user.is_authenticated else None

        def replay(done):
            if done.user_id == (user.pk if user else None) and done.path == request.path:
                return redirect(done.response_url)
            return view(request, *args, **kwargs)

        done = IdempotencyKey.objects.filter(key=key).first()
        if done is not None:
            return replay(done)
        try:
            with transaction.atomic():
                record = IdempotencyKey.objects.create(key=key, user=user, path=request.path)
                response = view(request, *args, **kwargs)
                if response.status_code not in (301, 302, 303):
                    raise _Unsuccessful(response)
                record.response_url = response["Location"]
                record.save(update_fields=["response_url"])
        except _Unsuccessful as unsuccessful:
            return unsuccessful.response
        except IntegrityError:
            done = IdempotencyKey.objects.filter(key=key).first()
            if done is None:
                raise
            return replay(done)
        return response

    return wrapper


def idempotency_keys_forget(*, older_than_days: int = 2) -> int:
    """Delete keys nobody will resubmit any more (technical records, not case data)."""
    cutoff = timezone.now() - dt.timedelta(days=older_than_days)
    deleted, _by_model = IdempotencyKey.objects.filter(created_at__lt=cutoff).delete()
    return deleted


def form_error_list(form, tables=()) -> list[tuple[str, str]]:
    """Every error on a page with a form and tables of rows, as (field id, text), for the
    summary at the top. ``tables``: (name, title, formset) of each table on the page."""
    errors = [("", str(error)) for error in form.non_field_errors()]
    errors += [
        (form[name].id_for_label, f"{form[name].label}: {error}")
        for name, field_errors in form.errors.items()
        if name != "__all__"
        for error in field_errors
    ]
    for name, title, formset in tables:
        if formset.is_bound and not formset.management_form.is_valid():
            # Not a typing mistake: the page came back without the table's bookkeeping fields.
            errors.append(
                (
                    f"{name}-table",
                    _(
                        "%(table)s: the table could not be read, because the page was sent "
                        "incomplete. Nothing has been saved. Reload the page and enter the "
                        "table's rows again."
                    )
                    % {"table": title},
                )
            )
        else:
            errors += [("", f"{title}: {error}") for error in formset.non_form_errors()]
        for number, row in enumerate(formset.forms, start=1):
            for field_name, field_errors in row.errors.items():
                bound = row[field_name] if field_name in row.fields else None
                for error in field_errors:
                    label = bound.label if bound is not None else ""
                    errors.append(
                        (
                            bound.id_for_label if bound is not None else "",
                            _("%(table)s, row %(row)s, %(field)s: %(error)s")
                            % {"table": title, "row": number, "field": label, "error": error},
                        )
                    )
    return errors


def comment_page(request, *, target, organisation, back_href: str, back_label: str, about=()):
    """Post a comment to ``target``'s thread (the caller has checked that the person may, and
    for which ``organisation``); a refusal or a missing text shows the form again with what was
    typed, success goes back to the thread."""
    form = CommentForm(request.POST, about=about)
    if form.is_valid():
        about_pk = form.cleaned_data.get("about")
        try:
            comment_add(
                actor=request.user,
                target=target,
                text=form.cleaned_data["text"],
                organisation=organisation,
                about=Organisation.objects.get(pk=about_pk) if about_pk else None,
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("Your comment has been added."))
            return redirect(back_href + "#comments")
    return render(
        request,
        "core/simple_form.html",
        {
            "form": form,
            "title": _("Comment"),
            "button": _("Add the comment"),
            "back_href": back_href,
            "back_label": back_label,
        },
    )


def comment_withdraw_page(request, *, comment, back_href: str):
    """The author withdraws a comment of a thread the caller has checked it belongs to."""
    try:
        comment_withdraw(actor=request.user, comment=comment)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Your comment has been withdrawn; the thread shows that."))
    return redirect(back_href + "#comments")
