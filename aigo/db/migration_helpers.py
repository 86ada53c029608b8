"""Helpers for data migrations, kept free of app imports so any migration may use them."""


def group_with_model_permissions(apps, *, group: str, app_label: str, models: list[str]) -> None:
    """Create `group` if needed and give it, of `app_label`'s permissions, exactly the
    add/change/delete/view permissions of `models`; its permissions on other apps stay as they are.

    Permissions are normally created after `migrate`; they are made here so the group can hold
    them in the same run.
    """
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config(app_label)
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    holder, _ = Group.objects.get_or_create(name=group)
    of_app = Permission.objects.filter(content_type__app_label=app_label)
    holder.permissions.remove(*holder.permissions.filter(content_type__app_label=app_label))
    holder.permissions.add(*of_app.filter(content_type__model__in=models))


def has_timescaledb(cursor) -> bool:
    """Whether the server offers TimescaleDB: the time-series migrations pick their engine by it."""
    cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb'")
    return cursor.fetchone() is not None
