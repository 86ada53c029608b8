from django.urls import path

from . import views

app_name = "news"

urlpatterns = [
    path("news/", views.NewsList.as_view(), name="news-list"),
    path("news/<slug:slug>/", views.NewsDetail.as_view(), name="news-detail"),
    path("models/<slug:slug>/news/", views.ModelNews.as_view(), name="model-news"),
]
