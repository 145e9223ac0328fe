from django.urls import path

from kagazsyz.web import views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("services/<str:code>/", views.service_detail, name="service"),
    path("services/<str:code>/apply/", views.apply, name="apply"),
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("applications/", views.applications, name="applications"),
    path("applications/<uuid:application_id>/", views.application_detail, name="application"),
    path("documents/", views.documents, name="documents"),
    path("documents/<uuid:document_id>/pdf/", views.document_pdf, name="document_pdf"),
    path("me/data-access/", views.data_access, name="data_access"),
    path(
        "me/data-access/<int:access_id>/flag/", views.data_access_flag_view, name="data_access_flag"
    ),
    path("verify", views.verify, name="verify"),
]
