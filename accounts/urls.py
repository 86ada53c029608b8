from django.urls import path

from . import api, preferences_api

app_name = "accounts"

urlpatterns = [
    path("preferences", preferences_api.Preferences.as_view(), name="preferences"),
    path("key", api.MyKey.as_view(), name="key"),
]
