from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from applications.urls import (
    application_patterns,
    council_patterns,
    proposal_patterns,
    review_patterns,
    sketch_patterns,
)
from fondadmin import baseline, views

admin.site.site_header = "fondadmin"
admin.site.site_title = "fondadmin"

# 503 with Retry-After while the database is down, the 500 page for any other error.
handler500 = "fondadmin.outage.server_error"
handler400 = "fondadmin.outage.bad_request"

urlpatterns = [
    path("", views.start, name="start"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("privacy/", views.privacy, name="privacy"),
    path("language/", views.set_language, name="set_language"),
    path("healthz/", views.healthz, name="healthz"),
    path("", include("core.urls")),
    path("calls/", include("applications.urls")),
    path("sketches/", include(sketch_patterns)),
    path("council/", include(council_patterns)),
    path("applications/", include(application_patterns)),
    path("reviews/", include(review_patterns)),
    path("proposals/", include(proposal_patterns)),
    path("projects/", include("projects.urls")),
    path("reclaim/", include("reclaim.urls")),
    path("reports/", include("reports.urls")),
    path("admin/", admin.site.urls),
]

if settings.BENCH_BASELINE:  # make bench's comparison page, on the bench's server only
    urlpatterns.append(path("bench/baseline/", baseline.baseline, name="bench_baseline"))
