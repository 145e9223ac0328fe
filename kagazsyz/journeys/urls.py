from django.urls import path

from kagazsyz.journeys import views

app_name = "journeys"
urlpatterns = [
    path("me/journeys/", views.journeys, name="list"),
    path("me/journeys/<uuid:journey_id>/", views.journey_detail, name="detail"),
    path("me/journeys/steps/<int:step_id>/confirm/", views.step_confirm, name="step_confirm"),
    path("applications/<uuid:application_id>/withdraw/", views.withdraw, name="withdraw"),
    path("applications/<uuid:application_id>/answer/", views.answer, name="answer"),
    path("applications/<uuid:application_id>/rate/", views.rate, name="rate"),
    path("applications/<uuid:application_id>/complain/", views.complain, name="complain"),
]
