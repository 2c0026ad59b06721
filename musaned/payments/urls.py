"""Outside the language prefix: the provider calls ``/payments/callback/`` and
its simulator's pages are the provider's, not the portal's."""

from django.urls import path

from musaned.payments import views

app_name = "payments"

urlpatterns = [
    path("payments/callback/", views.callback, name="callback"),
    # ``str``, not a 12-digit regex: the view answers 404 for anything that is not a bill.
    path("sadad/bills/<str:number>/", views.sadad_bill, name="sadad_bill"),
    path("sadad/bills/<str:number>/pay/", views.sadad_pay, name="sadad_pay"),
    path("sadad/card/<str:number>/", views.card_checkout, name="card"),
]
