from celery import shared_task

from accounts.keys import api_keys_rotate


@shared_task
def rotate_api_keys() -> dict[str, int]:
    """Daily: successors for keys older than AIGO_API_KEY_ROTATE_AFTER_DAYS, expired keys deactivated."""
    return api_keys_rotate()
