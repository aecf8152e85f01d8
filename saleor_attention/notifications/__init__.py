"""What the plugin tells the outside world about flags: e-mails to customers
(emails.py) and the plugin's own webhooks (webhooks.py), the same on both Saleor
lines. Both are rows written with the change and sent after its commit, retried."""


def backoff(attempts: int, first_seconds: int, most_seconds: int) -> int:
    """Seconds before the next try after `attempts` failed ones: doubling from
    `first_seconds`, at most `most_seconds`."""
    return min(first_seconds * 2 ** max(attempts - 1, 0), most_seconds)
