"""Documentation links of a model, by type and by the language of the page."""

from django.db import models
from django.db.models import Q

from aigo.fields import created_at_field, updated_at_field, uuid_primary_key
from aigo.i18n import LocalizedField, locale_choices, resolve

from .. import choices
from .ai_models import AIModel
from .constraints import EN


class Documentation(models.Model):
    id = uuid_primary_key()
    model = models.ForeignKey(AIModel, on_delete=models.CASCADE, related_name="documentation", db_index=False)
    doc_type = models.CharField(max_length=50, choices=choices.DOC_TYPES)
    title = LocalizedField(required_locales=EN)
    url = models.URLField(max_length=500)
    locale = models.CharField(
        max_length=10,
        choices=locale_choices,
        null=True,
        blank=True,
        help_text="The language of the page itself; empty if several.",
    )
    version = models.CharField(max_length=50, null=True, blank=True)
    created_at = created_at_field()
    updated_at = updated_at_field()

    class Meta:
        db_table = "documentation"
        verbose_name = "documentation link"
        verbose_name_plural = "documentation"
        ordering = ["doc_type"]
        constraints = [
            models.CheckConstraint(
                condition=Q(title__has_key="en-US"),
                name="documentation_title_has_en_us",
                violation_error_message="The document needs an en-US title.",
            ),
        ]
        indexes = [
            models.Index(fields=["model"], name="idx_docs_model"),
            models.Index(fields=["doc_type"], name="idx_docs_type"),
            # documentation for the reader's locale
            models.Index(fields=["locale"], name="idx_docs_locale"),
        ]

    def __str__(self) -> str:
        return resolve(self.title) or self.url
