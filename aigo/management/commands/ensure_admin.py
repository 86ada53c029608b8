"""Makes sure a local superuser exists and prints how to log in (used by `make run`)."""

import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Create the local 'admin' superuser on first run (password saved in .local/) and print the login."

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")
        parser.add_argument("--base-url", default="http://127.0.0.1:8000")

    def handle(self, *args, username: str, base_url: str, **options):
        password_file = settings.LOCAL_DIR / "admin_password"
        User = get_user_model()
        user = User.objects.filter(username=username).first()
        if user is None:
            password = secrets.token_urlsafe(12)
            user = User.objects.create_superuser(username=username, email="", password=password)
            settings.LOCAL_DIR.mkdir(exist_ok=True)
            password_file.write_text(password)
            password_file.chmod(0o600)
        saved = password_file.read_text() if password_file.exists() else None
        if saved and user.check_password(saved):
            login = f"{username} / {saved}"
        else:
            login = f"{username} (password as you set it)"
        self.stdout.write(f"  Admin: {base_url.rstrip('/')}/{settings.ADMIN_URL}  login: {login}")
