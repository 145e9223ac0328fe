from django.urls import path

from kagazsyz.payments import views

app_name = "payments"
urlpatterns = [
    path("pay/sandbox/<uuid:invoice_id>/", views.sandbox_checkout_page, name="sandbox"),
]
