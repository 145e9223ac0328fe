from django.urls import include, path

urlpatterns = [
    path("api/", include("kagazsyz.api.urls")),
    path("", include("kagazsyz.documents.urls")),
    path("office/", include("kagazsyz.office.urls")),
    path("", include("kagazsyz.notifications.urls")),
    path("", include("kagazsyz.payments.urls")),
    path("", include("kagazsyz.journeys.urls")),
    path("", include("kagazsyz.oversight.urls")),
    path("", include("kagazsyz.web.urls")),
]
