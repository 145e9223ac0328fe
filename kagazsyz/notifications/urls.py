from django.urls import path

from kagazsyz.notifications import views

app_name = "notifications"
urlpatterns = [
    path("me/notifications/", views.inbox, name="inbox"),
    path("me/notifications/read/", views.mark_read, name="mark_read"),
    path("me/notifications/contact/", views.contact, name="contact"),
]
