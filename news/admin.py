from django import forms
from django.conf import settings
from django.contrib import admin
from django.db.models import Q
from django.forms.models import BaseInlineFormSet
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe

from aigo.admin.filters import contains_filter
from aigo.admin.history import AuditHistoryMixin
from aigo.admin.search import LocalizedSearchMixin
from aigo.i18n import LOCALE_NAMES, locale_choices, resolve

from .models import NewsArticle, NewsModelMention
from .rendering import render_markdown
from .signals import news_changed


class PublishedFilter(admin.SimpleListFilter):
    title = "published state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("published", "Published"), ("scheduled", "Scheduled"), ("draft", "Draft")]

    def queryset(self, request, queryset):
        now = timezone.now()
        return {
            "published": queryset.filter(published_at__lte=now),
            "scheduled": queryset.filter(published_at__gt=now),
            "draft": queryset.filter(published_at__isnull=True),
        }.get(self.value(), queryset)


class CompositeKeyField(forms.Field):
    """The hidden key of an existing mention row, as JSON: ["<news id>", "<model id>"]."""

    widget = forms.HiddenInput

    def prepare_value(self, value):
        return NewsModelMention._meta.pk.value_to_string(value) if isinstance(value, NewsModelMention) else value


class MentionFormSet(BaseInlineFormSet):
    """Django 5.2's formsets do not yet handle composite primary keys (the admin refuses such
    models outright): existing rows are posted with their key as JSON and looked up as a tuple,
    and a row whose model changes is replaced, since its key changes."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        existing = None if form.instance._state.adding else form.instance
        form.fields["pk"] = CompositeKeyField(required=False, initial=existing)

    def _existing_object(self, pk):
        return super()._existing_object(tuple(pk))

    def save_existing(self, form, obj, commit=True):
        if "model" in form.changed_data:
            NewsModelMention.objects.filter(news=obj.news, model=form.initial["model"]).delete()
        return super().save_existing(form, obj, commit=commit)


class MentionInline(admin.TabularInline):
    model = NewsModelMention
    formset = MentionFormSet
    extra = 1
    fields = ["model", "mention_type"]
    autocomplete_fields = ["model"]


@admin.register(NewsArticle)
class NewsArticleAdmin(AuditHistoryMixin, LocalizedSearchMixin, admin.ModelAdmin):
    list_display = ["english_title", "category", "state", "published_at", "is_featured", "view_count", "author"]
    list_filter = [
        "category",
        "is_featured",
        PublishedFilter,
        contains_filter("available_locales", "locale", locale_choices),
    ]
    list_select_related = ["author"]
    search_fields = ["slug", "tags"]
    localized_search_fields = ("title", "summary")
    date_hierarchy = "published_at"
    readonly_fields = ["preview", "available_locales", "view_count", "created_at", "updated_at"]
    inlines = [MentionInline]
    actions = ["publish", "unpublish", "feature", "unfeature"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "summary", "content", "preview"]}),
        (
            "Publication",
            {"fields": ["published_at", "locale_primary", "available_locales", "category", "tags", "is_featured"]},
        ),
        ("Sources", {"fields": ["author", "source_url", "image_url"]}),
        ("Other", {"classes": ["collapse"], "fields": ["metadata", "view_count", "created_at", "updated_at"]}),
    ]

    def get_changeform_initial_data(self, request):
        return {**super().get_changeform_initial_data(request), "author": request.user.pk}

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "author":
            kwargs["queryset"] = db_field.remote_field.model._default_manager.filter(is_staff=True, is_active=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description="title (en-US)")
    def english_title(self, obj: NewsArticle) -> str:
        return resolve(obj.title) or obj.slug

    @admin.display(description="state", ordering="published_at")
    def state(self, obj: NewsArticle) -> str:
        if obj.published_at is None:
            return "draft"
        return "published" if obj.is_published else "scheduled"

    @admin.display(description="preview (as readers see it, after sanitizing)")
    def preview(self, obj: NewsArticle) -> str:
        content = obj.content or {}
        if not content:
            return "—"
        # render_markdown() returns sanitized HTML only: the one place this page trusts markup.
        return format_html_join(
            "",
            '<section class="news-preview" lang="{}"><h3>{}</h3>{}</section>',
            (
                (locale, LOCALE_NAMES.get(locale, locale), mark_safe(render_markdown(content[locale])))
                for locale in settings.AIGO_LOCALES
                if content.get(locale)
            ),
        )

    @admin.action(description="Publish now (drafts and scheduled articles)", permissions=["change"])
    def publish(self, request, queryset):
        # Articles already out keep their date: republishing must not move them up the list.
        now = timezone.now()
        count = queryset.filter(Q(published_at__isnull=True) | Q(published_at__gt=now)).update(published_at=now)
        self._bulk_changed(request, count, "published")

    @admin.action(description="Unpublish (back to draft)", permissions=["change"])
    def unpublish(self, request, queryset):
        self._bulk_changed(request, queryset.exclude(published_at=None).update(published_at=None), "unpublished")

    @admin.action(description="Feature", permissions=["change"])
    def feature(self, request, queryset):
        self._bulk_changed(request, queryset.filter(is_featured=False).update(is_featured=True), "featured")

    @admin.action(description="Stop featuring", permissions=["change"])
    def unfeature(self, request, queryset):
        self._bulk_changed(request, queryset.filter(is_featured=True).update(is_featured=False), "unfeatured")

    def _bulk_changed(self, request, count: int, verb: str) -> None:
        news_changed()  # update() sends no signals
        self.message_user(request, f"{count} article(s) {verb}.")
