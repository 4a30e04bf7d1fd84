from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from evidentia.api import api
from evidentia.core.accountability import hub
from evidentia.evidence import views as evidence_views

admin.site.site_header = "Evidentia administration"
handler404 = "evidentia.core.views.not_found"
handler500 = "evidentia.core.views.server_error"
handler403 = "evidentia.core.views.forbidden"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="evidence:list", permanent=False)),
    path("accounts/", include("evidentia.accounts.urls")),
    path("evidence/", include("evidentia.evidence.urls")),
    path(
        "cases/<uuid:case_id>/custody.pdf",
        evidence_views.case_custody_report,
        name="case_custody_report",
    ),
    path("cases/", include("evidentia.cases.urls")),
    path("search/", include("evidentia.cases.search_urls")),
    path("redaction/", include("evidentia.redaction.urls")),
    path("retention/", include("evidentia.retention.urls")),
    path("community/", include("evidentia.community.urls")),
    path("exports/", include("evidentia.sharing.urls")),
    path("accountability/", hub, name="accountability"),
    path("standards/", include("evidentia.standards.urls")),
    path("force/", include("evidentia.useofforce.urls")),
    path("intervention/", include("evidentia.intervention.urls")),
    path("cad/", include("evidentia.cad.urls")),
    path("transparency/", include("evidentia.transparency.urls")),
    path("policies/", include("evidentia.policies.urls")),
    path("analytics/", include("evidentia.analytics.urls")),
    path("public/records/", include("evidentia.sharing.records_public_urls")),
    path("public/transparency/", include("evidentia.transparency.public_urls")),
    path("public/policies/", include("evidentia.policies.public_urls")),
    path("public/uploads/", include("evidentia.community.public_tus_urls")),
    path("public/", include("evidentia.community.public_urls")),
    path("open311/v2/", include("evidentia.community.open311_urls")),
    path("admin/", admin.site.urls),
    path("api/v1/uploads/", include("evidentia.evidence.tus_urls")),
    path("api/v1/", api.urls),
]
