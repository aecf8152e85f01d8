"""What staff's runs of scheduled work (subscriptionRenewalsRun, subscriptionChargesRun)
accept: a day as of which to run, and how much one call does."""
from .. import shop_time
from ..errors import AttentionError, AttentionErrorCode

# The most contracts or charges one call handles (the schedule runs the rest).
MAX_RUN = 100
# How far ahead staff may run.
MAX_RUN_DAYS_AHEAD = 366


def run_date(date):
    """Today (the shop's calendar) by default, else a day up to MAX_RUN_DAYS_AHEAD ahead."""
    today = shop_time.calendar().today()
    date = date or today
    if not 0 <= (date - today).days <= MAX_RUN_DAYS_AHEAD:
        raise AttentionError(
            "date", AttentionErrorCode.INVALID,
            f"Run as of today or a day up to {MAX_RUN_DAYS_AHEAD} days ahead.",
        )
    return date
