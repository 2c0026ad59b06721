from django.urls import path

from musaned.complaints import office_views, views

app_name = "complaints"

urlpatterns = [
    path("complaints/", views.complaint_list, name="list"),
    path("complaints/new/", views.complaint_new, name="new"),
    path("complaints/<str:number>/", views.complaint_detail, name="detail"),
    path("complaints/<str:number>/reply/", views.complaint_reply, name="reply"),
    path("complaints/<str:number>/reopen/", views.complaint_reopen, name="reopen"),
    path("complaints/<str:number>/rate/", views.complaint_rate, name="rate"),
    path(
        "complaints/<str:number>/accept-answer/",
        views.complaint_accept_answer,
        name="accept_answer",
    ),
    path(
        "complaints/<str:number>/ask-ministry/", views.complaint_ask_ministry, name="ask_ministry"
    ),
    # The office portal's complaints (the office's own only).
    path("office/complaints/", office_views.office_complaint_list, name="office_list"),
    path(
        "office/complaints/<str:number>/",
        office_views.office_complaint_detail,
        name="office_detail",
    ),
    path(
        "office/complaints/<str:number>/answer/",
        office_views.office_complaint_answer,
        name="office_answer",
    ),
    path(
        "office/complaints/<str:number>/attachments/<int:pk>/",
        office_views.office_attachment,
        name="office_attachment",
    ),
    path("complaints/<str:number>/attachments/<int:pk>/", views.attachment, name="attachment"),
]
