from django.urls import path

from masthead.payments.webhooks import ProviderWebhookView

app_name = "payments"
urlpatterns = [
    path("webhooks/<slug:provider_name>/", ProviderWebhookView.as_view(), name="webhook"),
]
