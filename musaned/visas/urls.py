from django.urls import path

from musaned.visas import views

app_name = "visas"

urlpatterns = [
    path("visas/eligibility/", views.eligibility, name="eligibility"),
    path("visas/start/", views.eligibility, {"starting": True}, name="start"),
    path("visas/", views.my_visas, name="list"),
    path("visas/inquiry/", views.account_inquiry, name="account_inquiry"),
    path("inquiry/", views.public_inquiry, name="public_inquiry"),
    path("visas/new/", views.application_new, name="new"),
    path("visas/<str:reference>/", views.detail, name="detail"),
    path("visas/<str:reference>/worker/", views.step_worker, name="step_worker"),
    path("visas/<str:reference>/finance/", views.step_finance, name="step_finance"),
    path("visas/<str:reference>/review/", views.step_review, name="step_review"),
    path("visas/<str:reference>/status.json", views.status, name="status"),
    path("visas/<str:reference>/recheck/", views.recheck, name="recheck"),
    path("visas/<str:reference>/withdraw/", views.withdraw, name="withdraw"),
    path("visas/<str:reference>/cancel/", views.cancel, name="cancel"),
    path("visas/<str:reference>/e-visa.pdf", views.evisa_pdf, name="evisa_pdf"),
    path("visas/<str:reference>/documents/<str:kind>/", views.document, name="document"),
    path("verify/<str:token>/", views.verify, name="verify"),
]
