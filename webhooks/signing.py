"""Standard Webhooks signatures (the `standardwebhooks` package): `webhook-id`, `webhook-timestamp`
and `webhook-signature`, HMAC-SHA256 of "id.timestamp.body" with the endpoint's secret; during a
rotation's overlap, a second signature with the previous secret, so receivers can switch at leisure."""

import base64
import secrets
from datetime import datetime

from standardwebhooks import Webhook

from .models import WebhookEndpoint

SECRET_BYTES = 32


def secret_new() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def signed_headers(endpoint: WebhookEndpoint, message_id: str, body: str, now: datetime) -> dict[str, str]:
    keys = [endpoint.secret]
    if endpoint.previous_secret and endpoint.previous_secret_until and endpoint.previous_secret_until > now:
        keys.append(endpoint.previous_secret)
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": " ".join(Webhook(key).sign(message_id, now, body) for key in keys),
    }
