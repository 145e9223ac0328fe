from django.urls import path

from kagazsyz.office import views

app_name = "office"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("cases/<uuid:application_id>/", views.case, name="case"),
    path("cases/<uuid:application_id>/approve/", views.approve, name="approve"),
    path("cases/<uuid:application_id>/refuse/", views.refuse, name="refuse"),
    path("cases/<uuid:application_id>/ask/", views.ask, name="ask"),
    path("cases/<uuid:application_id>/reassign/", views.reassign, name="reassign"),
    path("proposals/<int:proposal_id>/confirm/", views.proposal_confirm, name="confirm"),
    path("proposals/<int:proposal_id>/reject/", views.proposal_reject, name="reject"),
    path("supervisor/", views.supervisor, name="supervisor"),
]
