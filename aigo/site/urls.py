"""The public site under its locale prefix: /<locale>/... (mounted in aigo/urls.py)."""

from django.urls import path

from aigo.site import changes, following, home, lifecycle, news, search, sources, status, switcher
from aigo.site.catalog import calculator, compare, leaderboards, model_list, model_page, providers

app_name = "site"

urlpatterns = [
    path("", home.home, name="home"),
    path("search/", search.search, name="search"),
    path("preferences", switcher.preferences, name="preferences"),
    path("models/", model_list.model_list, name="models"),
    path("models/<slug:slug>/", model_page.model_detail, name="model"),
    path("models/c/<slug:slug>/", model_page.canonical_detail, name="canonical_model"),
    path("compare/", compare.compare, name="compare"),
    path("calculator/", calculator.calculator, name="calculator"),
    path("leaderboards/", leaderboards.leaderboards, name="leaderboards"),
    path("leaderboards/<slug:slug>/", leaderboards.leaderboard, name="leaderboard"),
    path("providers/", providers.provider_list, name="providers"),
    path("providers/<slug:slug>/", providers.provider_detail, name="provider"),
    path("status/", status.overview, name="status"),
    path("status/<slug:slug>/", status.model_status, name="model_status"),
    path("incidents/", status.incident_list, name="incidents"),
    path("incidents/<uuid:incident_id>/", status.incident_detail, name="incident"),
    path("news/", news.news_list, name="news"),
    path("news/category/<slug:category>/", news.news_category, name="news_category"),
    path("news/tag/<str:tag>/", news.news_tag, name="news_tag"),
    path("news/<slug:slug>/", news.article, name="article"),
    path("lifecycle/", lifecycle.lifecycle, name="lifecycle"),
    path("lifecycle/calendar.ics", lifecycle.lifecycle_calendar, name="lifecycle_calendar"),
    path("lifecycle/atom.xml", lifecycle.lifecycle_atom, name="lifecycle_atom"),
    path("changes/", changes.changes_page, name="changes"),
    path("follow/", following.follow, name="follow"),
    path("following/<str:token>/", following.following, name="following"),
    path("following/<str:token>/unfollow/", following.unfollow, name="following_unfollow"),
    path("following/<str:token>/email/", following.email_set, name="following_email"),
    path("following/<str:token>/email/stop/", following.email_unset, name="following_email_stop"),
    path("following/<str:token>/email/confirm/<str:signed>/", following.email_confirmed, name="following_confirm"),
    path("data-sources/", sources.data_sources, name="data_sources"),
    path("data-quality/", sources.data_quality, name="data_quality"),
]
