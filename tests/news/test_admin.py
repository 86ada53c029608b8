"""Editors write news in the admin: per-locale fields, preview, mentions, actions, audit trail."""

import datetime
import json

import pytest
from django.contrib.auth.models import Group, User
from django.utils import timezone

from news.models import NewsArticle, NewsModelMention
from tests.admin_forms import change_form_data
from tests.catalog.factories import AIModelFactory
from tests.db import sql

from .factories import NewsArticleFactory, NewsModelMentionFactory

pytestmark = pytest.mark.django_db
CHANGELIST = "/admin/news/newsarticle/"


def _trail(table: str, record_id) -> list[tuple]:
    rows = sql(
        "SELECT action, user_id, old_values, new_values FROM audit_trail"
        " WHERE table_name = %s AND record_id = %s ORDER BY timestamp, id",
        [table, record_id],
    )
    return [(action, actor, json.loads(old or "null"), json.loads(new or "null")) for action, actor, old, new in rows]


def test_editors_hold_the_news_permissions():
    codenames = set(
        Group.objects.get(name="Editors")
        .permissions.filter(content_type__app_label="news")
        .values_list("codename", flat=True)
    )
    assert codenames == {
        f"{action}_{model}"
        for action in ("add", "change", "delete", "view")
        for model in ("newsarticle", "newsmodelmention")
    }


def test_editor_writes_an_article_in_two_locales_with_a_mention(client, editor):
    model = AIModelFactory(slug="gpt-4o")
    page = client.get(f"{CHANGELIST}add/")
    assert page.status_code == 200
    assert b'name="title_en-US"' in page.content and b'name="content_ja-JP"' in page.content
    data = change_form_data(page)
    data.update(
        {
            "title_en-US": "GPT-4o arrives",
            "title_ja-JP": "GPT-4o 登場",
            "content_en-US": "Read **this**.",
            "content_ja-JP": "本文",
            "category": "release",
            "tags": "openai,launch",
            "locale_primary": "en-US",
            "mentions-0-model": str(model.pk),
            "mentions-0-mention_type": "primary",
        }
    )
    response = client.post(f"{CHANGELIST}add/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    article = NewsArticle.objects.get()
    assert article.slug == "gpt-4o-arrives"
    assert article.author == editor  # the editor is the default author
    assert article.available_locales == ["en-US", "ja-JP"]
    assert article.tags == ["openai", "launch"]
    assert list(article.mentions.values_list("model__slug", "mention_type")) == [("gpt-4o", "primary")]
    assert article.published_at is None  # a draft until published


def test_change_page_previews_sanitized_html_per_locale_and_saves_edits(client, editor):
    article = NewsArticleFactory(
        content={"en-US": "**Bold** <script>alert(1)</script>", "zh-CN": "中文 [x](javascript:alert(1))"},
        title={"en-US": "Preview me", "zh-CN": "预览"},
    )
    NewsModelMentionFactory(news=article, mention_type="comparison")
    url = f"{CHANGELIST}{article.pk}/change/"
    page = client.get(url)
    html = page.content.decode()
    assert "<strong>Bold</strong> &lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)</script>" not in html and 'href="javascript' not in html
    assert 'lang="zh-CN"' in html
    data = change_form_data(page)
    data["summary_en-US"] = "Now with a summary"
    data["mentions-0-mention_type"] = "brief"
    response = client.post(url, data)
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.summary == {"en-US": "Now with a summary"}
    assert NewsModelMention.objects.get().mention_type == "brief"


def test_changing_or_removing_a_mentioned_model_in_the_inline(client, editor):
    first, second = NewsModelMentionFactory(), AIModelFactory()
    url = f"{CHANGELIST}{first.news_id}/change/"
    data = change_form_data(client.get(url))
    data["mentions-0-model"] = str(second.pk)
    assert client.post(url, data).status_code == 302
    assert list(NewsModelMention.objects.values_list("model_id", flat=True)) == [second.pk]
    data = change_form_data(client.get(url))
    data["mentions-0-DELETE"] = "on"
    assert client.post(url, data).status_code == 302
    assert not NewsModelMention.objects.exists()


def test_a_primary_locale_without_content_is_a_form_error(client, editor):
    article = NewsArticleFactory()
    url = f"{CHANGELIST}{article.pk}/change/"
    data = change_form_data(client.get(url))
    data["locale_primary"] = "ja-JP"
    response = client.post(url, data)
    assert response.status_code == 200
    assert "ja-JP needs a title and content" in str(response.context["adminform"].form.errors)


def test_author_choices_are_staff_only(client, editor):
    User.objects.create_user("reader", password="pw")
    form = client.get(f"{CHANGELIST}add/").context["adminform"].form
    assert list(form.fields["author"].queryset) == [editor]


def test_actions_publish_unpublish_and_feature(client, editor):
    out = NewsArticleFactory(published_at=timezone.now() - datetime.timedelta(days=3))
    draft = NewsArticleFactory(published_at=None)
    scheduled = NewsArticleFactory(published_at=timezone.now() + datetime.timedelta(days=3))
    everyone = [str(article.pk) for article in (out, draft, scheduled)]

    def act(action):
        response = client.post(CHANGELIST, {"action": action, "_selected_action": everyone})
        assert response.status_code == 302

    act("publish")
    published = {a.pk: a.published_at for a in NewsArticle.objects.all()}
    assert published[out.pk] == out.published_at  # already out: its date stays
    assert published[draft.pk] == published[scheduled.pk] <= timezone.now()
    act("feature")
    assert all(NewsArticle.objects.values_list("is_featured", flat=True))
    act("unfeature")
    act("unpublish")
    assert list(NewsArticle.objects.values_list("published_at", "is_featured").distinct()) == [(None, False)]


@pytest.mark.parametrize("state, expected", [("published", 1), ("scheduled", 1), ("draft", 1)])
def test_list_filters_by_published_state(client, editor, state, expected):
    NewsArticleFactory()
    NewsArticleFactory(published_at=None)
    NewsArticleFactory(published_at=timezone.now() + datetime.timedelta(days=1))
    response = client.get(CHANGELIST, {"state": state, "is_featured__exact": "0", "category": "release"})
    assert response.status_code == 200
    assert response.context["cl"].result_count == expected


def test_search_finds_a_localized_title(client, editor):
    NewsArticleFactory(title={"en-US": "Something", "zh-CN": "深度求索发布"})
    NewsArticleFactory(title={"en-US": "Other"})
    assert client.get(CHANGELIST, {"q": "求索"}).context["cl"].result_count == 1


def test_staff_without_the_editors_group_is_refused(client):
    client.force_login(User.objects.create_user("visitor", password="pw", is_staff=True))
    assert client.get(CHANGELIST).status_code == 403


def test_an_admin_edit_is_in_the_audit_trail_without_view_counts(client, editor):
    article = NewsArticleFactory()
    url = f"{CHANGELIST}{article.pk}/change/"
    data = change_form_data(client.get(url))
    data["title_en-US"] = "Edited title"
    assert client.post(url, data).status_code == 302
    sql("UPDATE news_articles SET view_count = view_count + 10 WHERE id = %s", [article.pk])  # a flush

    trail = _trail("news_articles", article.pk)
    assert [row[0] for row in trail] == ["INSERT", "UPDATE"]  # the flush is no edit
    update = trail[1]
    assert update[1] == f"user:{editor.pk}:{editor.username}"
    assert update[2]["title"] == {"en-US": article.title["en-US"]} and update[3]["title"] == {"en-US": "Edited title"}
    assert "view_count" not in update[3] and "search_vector" not in update[3]
    history = client.get(f"{url.removesuffix('change/')}history/")
    assert history.status_code == 200 and b"Edited title" in history.content


def test_mention_changes_are_in_the_audit_trail():
    mention = NewsModelMentionFactory()
    rows = sql("SELECT action, new_values FROM audit_trail WHERE table_name = 'news_model_mentions'")
    assert [(action, json.loads(new)["model_id"]) for action, new in rows] == [("INSERT", str(mention.model_id))]
