from django.urls import include, path

urlpatterns = [
    path("api/", include("kagazsyz.api.urls")),
    path("", include("kagazsyz.documents.urls")),
    path("", include("kagazsyz.web.urls")),
]
