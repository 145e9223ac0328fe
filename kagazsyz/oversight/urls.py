from django.urls import path

from kagazsyz.oversight import views

app_name = "oversight"
urlpatterns = [
    path("oversight/", views.overview, name="overview"),
    path("oversight/agencies/", views.agencies, name="agencies"),
    path("oversight/agencies/<str:code>/", views.agency, name="agency"),
    path("oversight/services/<str:code>/", views.service, name="service"),
    path("oversight/trends/", views.trends, name="trends"),
    path("oversight/signals/", views.signals_view, name="signals"),
    path("oversight/complaints/", views.complaints, name="complaints"),
    path("open-data/", views.open_data, name="open_data"),
    path("open-data/<str:name>.<str:extension>", views.open_data_file, name="open_data_file"),
]
