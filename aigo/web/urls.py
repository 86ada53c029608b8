"""The public site under its locale prefix: /<locale>/... (mounted in aigo/urls.py)."""

from django.urls import path

from aigo.web import pages, views
from catalog import views as catalog
from news import views as news
from status import views as status

app_name = "site"

urlpatterns = [
    path("", pages.home, name="home"),
    path("search/", pages.search, name="search"),
    path("preferences", views.preferences, name="preferences"),
    path("models/", catalog.model_list, name="models"),
    path("models/<slug:slug>/", catalog.model_detail, name="model"),
    path("compare/", catalog.compare, name="compare"),
    path("calculator/", catalog.calculator, name="calculator"),
    path("leaderboards/", catalog.leaderboards, name="leaderboards"),
    path("leaderboards/<slug:slug>/", catalog.leaderboard, name="leaderboard"),
    path("providers/", catalog.provider_list, name="providers"),
    path("providers/<slug:slug>/", catalog.provider_detail, name="provider"),
    path("status/", status.overview, name="status"),
    path("status/<slug:slug>/", status.model_status, name="model_status"),
    path("incidents/", status.incident_list, name="incidents"),
    path("incidents/<uuid:incident_id>/", status.incident_detail, name="incident"),
    path("news/", news.news_list, name="news"),
    path("news/category/<slug:category>/", news.news_category, name="news_category"),
    path("news/tag/<str:tag>/", news.news_tag, name="news_tag"),
    path("news/<slug:slug>/", news.article, name="article"),
]
