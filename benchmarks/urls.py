"""The site's URLs plus the bare baseline view (ROOT_URLCONF of the benchmark settings only;
the real site's URLconf never includes it)."""

from django.urls import path

from benchmarks.baseline import baseline
from config.urls import handler400, handler403, handler404, handler500  # noqa: F401
from config.urls import urlpatterns as site_urlpatterns

urlpatterns = [path("bench/baseline/", baseline, name="bench-baseline"), *site_urlpatterns]
