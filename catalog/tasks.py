from celery import shared_task

from catalog.listings import listings_refresh_claimed


@shared_task
def refresh_model_listings() -> float:
    return round(listings_refresh_claimed(), 3)
