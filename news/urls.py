"""Feeds, mounted at /news/feed/ by aigo.urls."""

from django.urls import path

from .feeds import AtomNewsFeed, NewsFeed

app_name = "news-feeds"

urlpatterns = [
    path("<str:locale>/rss.xml", NewsFeed(), name="rss"),
    path("<str:locale>/atom.xml", AtomNewsFeed(), name="atom"),
    path("<str:locale>/models/<slug:slug>/rss.xml", NewsFeed(), name="model-rss"),
    path("<str:locale>/models/<slug:slug>/atom.xml", AtomNewsFeed(), name="model-atom"),
]
