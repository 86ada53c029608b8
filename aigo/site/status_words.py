"""What a status cell says about an availability, in the page's language: the same words on the
server and in status-live.js, which receives live_labels() with the page."""

from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from aigo.i18n.formatting import percent
from aigo.site.charts import availability_class


def live_labels() -> dict[str, str]:
    """The words status-live.js writes into the cells it refreshes, in the page's language."""
    return {
        "up": gettext("Operational"),
        "degraded": gettext("Degraded"),
        "down": gettext("Down"),
        "nodata": gettext("No data"),
        "updated": gettext("Updated"),
    }


def status_label(value: float | None, labels: dict[str, str] | None = None) -> SafeString:
    """`labels` (live_labels()) when the caller labels many values."""
    kind = availability_class(value)
    return format_html('<span class="status {}">{}</span>', kind, (labels or live_labels())[kind])


def status_cell(value: float | None, locale: str, labels: dict[str, str] | None = None) -> SafeString:
    """The label and, when there is a value, the availability in percent."""
    label = status_label(value, labels)
    return label if value is None else format_html("{} {}", label, percent(value, locale))
