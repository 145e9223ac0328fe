from django.urls import include, path

urlpatterns = [
    path("api/", include("kagazsyz.api.urls")),
    path("", include("kagazsyz.oversight.urls")),
    path("", include("kagazsyz.web.urls")),
]
