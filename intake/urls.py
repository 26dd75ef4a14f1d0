from django.urls import include, path

from intake.annex2.views import exports, imports
from intake.entry import views as nominations
from intake.evaluation import views as evaluation
from intake.renders import views as renders
from intake.review.views import province as review
from intake.review.views import slate

urlpatterns = [
    path("", nominations.home, name="home"),
    path("nominations/", nominations.nomination_list, name="nomination_list"),
    path("nominations/new/<slug:category>/", nominations.nomination_new, name="nomination_new"),
    path("nominations/<int:pk>/", nominations.nomination_detail, name="nomination_detail"),
    path("nominations/<int:pk>/withdraw/", nominations.nomination_withdraw, name="nomination_withdraw"),
    path("nominations/<int:pk>/restore/", nominations.nomination_restore, name="nomination_restore"),
    path("slate/contact/", nominations.slate_contact, name="slate_contact"),
    # Slate submission and provincial review
    path("slate/", slate.slate_page, name="slate"),
    path("slate/upload/<slug:kind>/", slate.slate_upload, name="slate_upload"),
    path("slate/submit/", slate.slate_submit, name="slate_submit"),
    path("slate/letter-number/", slate.slate_letter_number, name="slate_letter_number"),
    path("slates/<str:code>/<slug:kind>.pdf", slate.slate_file, name="slate_file"),
    path("nominations/<int:pk>/review/", slate.formal_review, name="nomination_review"),
    path("nominations/<int:pk>/reject/", review.nomination_reject, name="nomination_reject"),
    path("nominations/<int:pk>/select/", review.nomination_select, name="nomination_select"),
    path("nominations/<int:pk>/unselect/", review.nomination_unselect, name="nomination_unselect"),
    path("review/<str:code>/", review.city_review, name="review_city"),
    path("review/<str:code>/accept/", review.slate_accept, name="slate_accept"),
    path("review/<str:code>/return/", review.slate_return, name="slate_return"),
    path("review/<str:code>/paper/", review.slate_paper, name="slate_paper"),
    path("selection/", review.province_selection, name="province_selection"),
    path("selection/contact/", review.province_contact, name="province_contact"),
    # Annex 2 export and import
    path("exports/annex2.xlsx", exports.annex2_export, {"extension": "xlsx"}, name="annex2_xlsx"),
    path("exports/annex2.pdf", exports.annex2_export, {"extension": "pdf"}, name="annex2_pdf"),
    path("exports/renders/<int:render_id>/", renders.render_download, name="render_download"),
    path("exports/renders/<int:render_id>/status/", renders.render_status, name="render_status"),
    path("exports/province-selection.xlsx", exports.province_selection_export, {"extension": "xlsx"},
         name="province_selection_xlsx"),
    path("exports/province-selection.pdf", exports.province_selection_export, {"extension": "pdf"},
         name="province_selection_pdf"),
    # The recommendation letters (推荐函) drafted from the Annex 2 data
    path("", include("intake.letters.urls")),
    path("imports/annex2/", imports.annex2_import, name="annex2_import"),
    path("imports/annex2/confirm/", imports.annex2_import_confirm, name="annex2_import_confirm"),
    # Evaluation of the demonstration units of batches 1–4
    path("evaluation/", evaluation.overview, name="evaluation_home"),
    path("evaluation/outstanding/", evaluation.outstanding, name="evaluation_outstanding"),
    path("evaluation/units/", evaluation.registry, name="evaluation_registry"),
    path("evaluation/units/new/", evaluation.unit_new, name="evaluation_unit_new"),
    path("evaluation/units/<int:unit>/", evaluation.unit_detail, name="evaluation_unit"),
    path("evaluation/units/<int:unit>/edit/", evaluation.unit_edit, name="evaluation_unit_edit"),
    path("evaluation/units/<int:unit>/explanation/", evaluation.unit_explanation, name="evaluation_explanation"),
    path("evaluation/export/", evaluation.export, name="evaluation_export"),
    path("evaluation/import/", evaluation.registry_import_view, name="evaluation_import"),
    path("evaluation/import/confirm/", evaluation.registry_import_confirm, name="evaluation_import_confirm"),
    path("evaluation/import/template/", evaluation.import_template, name="evaluation_import_template"),
    path("evaluation/extensions/", evaluation.extensions, name="evaluation_extensions"),
]
