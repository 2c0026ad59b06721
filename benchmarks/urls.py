"""The site's URLs plus the bare baseline (benchmark settings only)."""

from django.urls import path

from benchmarks.baseline import baseline
from config.urls import handler400, handler403, handler404, handler500  # noqa: F401
from config.urls import urlpatterns as site_urlpatterns

urlpatterns = [path("bench/baseline/", baseline), *site_urlpatterns]
