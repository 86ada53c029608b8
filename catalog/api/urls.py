from django.urls import path

from . import canonical, changes, exports, sources, views

app_name = "catalog"

urlpatterns = [
    path("providers/", views.ProviderList.as_view(), name="provider-list"),
    path("providers/<slug:slug>/", views.ProviderDetail.as_view(), name="provider-detail"),
    path("models/", views.ModelList.as_view(), name="model-list"),
    path("models/<slug:slug>/", views.ModelDetail.as_view(), name="model-detail"),
    path("models/<slug:slug>/pricing/", views.ModelPricing.as_view(), name="model-pricing"),
    path("benchmarks/", views.SuiteList.as_view(), name="suite-list"),
    path("benchmarks/<slug:slug>/leaderboard/", views.Leaderboard.as_view(), name="leaderboard"),
    path("compare/", views.Compare.as_view(), name="compare"),
    path("canonical-models/", canonical.CanonicalModelList.as_view(), name="canonical-list"),
    path("canonical-models/<slug:slug>/", canonical.CanonicalModelDetail.as_view(), name="canonical-detail"),
    path("canonical-models/<slug:slug>/offers/", canonical.CanonicalModelOffers.as_view(), name="canonical-offers"),
    path("sources/", sources.SourceList.as_view(), name="source-list"),
    path("changes/", changes.ChangeList.as_view(), name="change-list"),
    path("exports/", exports.ExportList.as_view(), name="export-list"),
]
