from django.urls import path

from musaned.backoffice import stats_views, views

app_name = "backoffice"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("start/", views.home, name="home"),
    path("complaints/<str:number>/", views.complaint_detail, name="complaint"),
    path("complaints/<str:number>/act/", views.complaint_act, name="complaint_act"),
    path("complaints/<str:number>/note/", views.complaint_note, name="complaint_note"),
    path(
        "complaints/<str:number>/attachments/<int:pk>/",
        views.complaint_attachment,
        name="complaint_attachment",
    ),
    path("complaints/<str:number>/audit/", views.complaint_audit, name="complaint_audit"),
    path("visas/", views.quality_queue, name="quality_queue"),
    path("visas/<str:reference>/", views.quality_detail, name="quality_detail"),
    path("visas/<str:reference>/audit/", views.visa_audit, name="visa_audit"),
    path("visas/<str:reference>/documents/<str:kind>/", views.visa_document, name="visa_document"),
    path("contracts/", views.contract_list, name="contracts"),
    path("contracts/<str:number>/", views.contract_detail, name="contract"),
    path(
        "contracts/<str:number>/evidence/<str:stage>/",
        views.contract_evidence,
        name="contract_evidence",
    ),
    path("contracts/<str:number>/audit/", views.contract_audit, name="contract_audit"),
    path("statistics/", stats_views.statistics, name="statistics"),
    path("statistics.csv", stats_views.statistics_csv, name="statistics_csv"),
]
