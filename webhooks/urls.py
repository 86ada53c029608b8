from django.urls import path

from . import api

app_name = "webhooks"

urlpatterns = [
    path("", api.EndpointList.as_view(), name="endpoint-list"),
    path("<uuid:pk>/", api.EndpointDetail.as_view(), name="endpoint-detail"),
    path("<uuid:pk>/rotate-secret/", api.EndpointRotateSecret.as_view(), name="endpoint-rotate-secret"),
    path("<uuid:pk>/deliveries/", api.DeliveryList.as_view(), name="delivery-list"),
    path("<uuid:pk>/deliveries/<uuid:delivery_id>/redeliver/", api.DeliveryRedeliver.as_view(), name="redeliver"),
]
