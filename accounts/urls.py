from django.urls import path

from . import preferences_api

app_name = "accounts"

urlpatterns = [
    path("preferences", preferences_api.Preferences.as_view(), name="preferences"),
]
