from django.urls import path

from intake.letters import views

urlpatterns = [
    path("letters/recommendation.docx", views.recommendation, {"extension": "docx"}, name="recommendation_letter_docx"),
    path("letters/recommendation.pdf", views.recommendation, {"extension": "pdf"}, name="recommendation_letter_pdf"),
    path("letters/province.docx", views.province, {"extension": "docx"}, name="province_letter_docx"),
    path("letters/province.pdf", views.province, {"extension": "pdf"}, name="province_letter_pdf"),
]
