from django.urls import path

from analytics import api

app_name = "analytics"

urlpatterns = [
    path("events", api.EventCollect.as_view(), name="events"),
    path("trending/models", api.TrendingModels.as_view(), name="trending-models"),
    path("trending/providers", api.TrendingProviders.as_view(), name="trending-providers"),
    path("analytics/daily", api.DailyStats.as_view(), name="daily-stats"),
]
