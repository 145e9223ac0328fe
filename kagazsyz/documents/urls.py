from django.urls import path

from kagazsyz.documents import views

app_name = "documents"
urlpatterns = [
    path("documents/<uuid:document_id>/", views.document_detail, name="detail"),
    path("documents/<uuid:document_id>/pdf/en/", views.document_pdf_english, name="pdf_english"),
]
