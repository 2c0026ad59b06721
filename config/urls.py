from captcha import views as captcha_views
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path, re_path
from django.views.generic import RedirectView

from musaned.api.urls import api_urls
from musaned.core import health

# django-simple-captcha's views, opened to people who are not signed in. (The spoken code
# is ours, in the page's language: musaned/core/urls.py.)
captcha_patterns = [
    re_path(
        r"image/(?P<key>\w+)/$",
        login_not_required(captcha_views.captcha_image),
        {"scale": 1},
        name="captcha-image",
    ),
    re_path(
        r"image/(?P<key>\w+)@2/$",
        login_not_required(captcha_views.captcha_image),
        {"scale": 2},
        name="captcha-image-2x",
    ),
    re_path(
        r"refresh/$", login_not_required(captcha_views.captcha_refresh), name="captcha-refresh"
    ),
]

urlpatterns = [
    # Probes for the load balancer and orchestrator (musaned/core/health.py): never translated.
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("captcha/", include(captcha_patterns)),
    # The payment provider's callback and the local provider's own pages (not translated URLs).
    path("", include("musaned.payments.urls")),
    # The REST API (docs/api.md); the language comes from Accept-Language.
    path("api/v1/", api_urls()),
]

urlpatterns += i18n_patterns(
    path("", include("musaned.core.urls")),
    path("", include("musaned.accounts.urls")),
    path("", include("musaned.visas.urls")),
    path("", include("musaned.api.urls")),
    path("", include("musaned.complaints.urls")),
    path("", include("musaned.offices.urls")),
    path("", include("musaned.recruitment.urls")),  # the beneficiary's recruitment pages
    path("", include("musaned.recruitment.office_urls")),
    path("backoffice/", include("musaned.backoffice.urls")),
    # Staff sign in like everyone else, with the second factor; the admin's own
    # password-only form is never offered.
    path(
        "admin/login/",
        login_not_required(RedirectView.as_view(pattern_name="accounts:login", query_string=True)),
    ),
    path("admin/", admin.site.urls),
    prefix_default_language=False,
)

handler400 = "musaned.core.views.bad_request"
handler403 = "musaned.core.views.permission_denied"
handler404 = "musaned.core.views.page_not_found"
handler500 = "musaned.core.views.server_error"
