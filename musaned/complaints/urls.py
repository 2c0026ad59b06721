from django.urls import path

from musaned.complaints import views

app_name = "complaints"

urlpatterns = [
    path("complaints/", views.complaint_list, name="list"),
    path("complaints/new/", views.complaint_new, name="new"),
    path("complaints/<str:number>/", views.complaint_detail, name="detail"),
    path("complaints/<str:number>/reply/", views.complaint_reply, name="reply"),
    path("complaints/<str:number>/reopen/", views.complaint_reopen, name="reopen"),
    path("complaints/<str:number>/rate/", views.complaint_rate, name="rate"),
    path("complaints/<str:number>/attachments/<int:pk>/", views.attachment, name="attachment"),
]
