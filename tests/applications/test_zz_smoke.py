from applications import services
from applications.models import ApplicationVersion
from applications.versions import compare

def test_smoke(complete_application, applicant, fund_admin, client):
    v = services.application_submit(actor=applicant, application=complete_application)
    assert v.number == 1
    client.force_login(applicant)
    for url in [f"/applications/{complete_application.pk}/", f"/applications/{complete_application.pk}/edit/",
                f"/applications/{complete_application.pk}/versions/1/", "/applications/", "/sketches/",
                f"/sketches/{complete_application.sketch_id}/"]:
        r = client.get(url)
        assert r.status_code in (200, 302), (url, r.status_code)
    services.application_request_revision(actor=fund_admin, application=complete_application, message="Mer")
    r = client.get(f"/applications/{complete_application.pk}/edit/")
    assert r.status_code == 200, r.content[:3000]
    v2 = services.application_submit(actor=applicant, application=complete_application)
    r = client.get(f"/applications/{complete_application.pk}/compare/")
    assert r.status_code == 200
    client.force_login(fund_admin)
    for url in ["/council/meetings/", "/council/meetings/new/", "/sketches/", f"/sketches/{complete_application.sketch_id}/"]:
        r = client.get(url)
        assert r.status_code == 200, (url, r.status_code)
