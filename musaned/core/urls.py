from django.urls import path

from musaned.core import captcha, views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("contact/", views.contact, name="contact"),
    path("privacy/", views.privacy, name="privacy"),
    # The verification code spoken in the page's language (hence under the language prefix).
    path("captcha/audio/<slug:key>.wav", captcha.audio, name="captcha-audio"),
]
