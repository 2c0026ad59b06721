"""The site's URLs with the payments URLs included, whether or not config/urls.py has them yet."""

from django.urls import include, path

from config.urls import (  # noqa: F401 (the error handlers of the root URLconf)
    handler400,
    handler403,
    handler404,
    handler500,
)
from config.urls import urlpatterns as site_urlpatterns

urlpatterns = list(site_urlpatterns)
if not any(getattr(pattern, "namespace", None) == "payments" for pattern in urlpatterns):
    urlpatterns.append(path("", include("musaned.payments.urls")))
