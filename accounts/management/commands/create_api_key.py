import re
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.keys import SCOPES, api_key_issue

DURATION_RE = re.compile(r"([1-9][0-9]{0,4})([hdw])")
UNITS = {"h": "hours", "d": "days", "w": "weeks"}


def parse_expires_in(text: str) -> timedelta:
    match = DURATION_RE.fullmatch(text.strip().lower())
    if not match:
        raise CommandError(
            f"--expires-in: expected a number of hours, days or weeks such as 12h, 90d or 2w; got {text!r}."
        )
    return timedelta(**{UNITS[match[2]]: int(match[1])})


class Command(BaseCommand):
    help = "Issue an API key. The key is printed once, as the last line: it is stored only as a digest."

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True, help="what the key is for, e.g. 'probe eu-west'")
        parser.add_argument("--scopes", required=True, help=f"comma-separated, of: {', '.join(SCOPES)}")
        parser.add_argument("--expires-in", help="e.g. 90d, 12h or 2w (default: no expiry; rotation replaces it)")
        parser.add_argument("--rate-limit", type=int, default=1000, help="requests per hour (default 1000)")
        parser.add_argument("--user", dest="user_identifier", help="whose key it is (person, team, probe network)")

    def handle(self, *args, name, scopes, expires_in, rate_limit, user_identifier, **options):
        expires = parse_expires_in(expires_in) if expires_in is not None else None
        try:
            key, full_key = api_key_issue(
                name=name,
                scopes=scopes.split(","),
                expires_in=expires,
                rate_limit=rate_limit,
                user_identifier=user_identifier,
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        expiry = key.expires_at.isoformat(timespec="minutes") if key.expires_at else "never"
        self.stdout.write(
            f"Created API key {key.public_id} ({key.name}): scopes {','.join(key.scopes)}, "
            f"{key.rate_limit} requests/hour, expires {expiry}."
        )
        self.stdout.write("Copy it now, it cannot be shown again:")
        self.stdout.write(full_key)
