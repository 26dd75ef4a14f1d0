from django.urls import path

from intake.audit import views

urlpatterns = [
    path("audit/", views.audit_log, name="audit_log"),
    path("audit/export.xlsx", views.audit_export, name="audit_export"),
    path("audit/history/", views.audit_history, name="audit_history"),
]
