"""Site-wide pages: the start page, the legally required statements, language, health."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django.views.i18n import set_language as django_set_language

from core import services
from core.errors import DomainError
from core.forms import AccessibilityReportForm
from core.http import add_domain_error, idempotent
from fondadmin.start import start_sections


def start(request):
    return render(request, "start.html", {"sections": start_sections(request.user)})


@login_not_required
@idempotent
def accessibility(request):
    """The accessibility statement (lag 2018:1937), with a form to report problems. Open to
    everyone: a person who cannot log in because of a barrier must be able to say so."""
    initial = {"page": request.GET.get("page", "")}
    form = AccessibilityReportForm(
        request.POST if request.method == "POST" else None, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.accessibility_report_submit(
                reporter=request.user,
                name=data["name"],
                email=data["email"],
                page=data["page"],
                description=data["description"],
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(
                request,
                _("Thank you. Your report has been sent to the fund administrators."),
            )
            return redirect(reverse("accessibility") + "#report")
    return render(request, "pages/accessibility.html", {"form": form})


@login_not_required
@require_GET
def privacy(request):
    return render(request, "pages/privacy.html")


@login_not_required
@require_POST
def set_language(request):
    """Switch the language; a logged-in person's choice is kept on their account."""
    response = django_set_language(request)
    language = request.POST.get("language")
    user = request.user
    if user.is_authenticated and language in dict(settings.LANGUAGES) and user.language != language:
        user.language = language
        user.save(update_fields=["language"])
    return response


@login_not_required
@require_GET
@never_cache
def healthz(request):
    """For the orchestrator: the app answers and reaches its database."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")


@login_not_required
def csrf_failure(request, reason=""):
    """A form sent from a page that is too old (or with cookies blocked)."""
    back = request.META.get("HTTP_REFERER", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = ""
    return render(request, "403_csrf.html", {"back": back}, status=403)
