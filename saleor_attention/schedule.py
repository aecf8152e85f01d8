"""When the plugin's periodic tasks run: merge into Celery beat's schedule
(`CELERY_BEAT_SCHEDULE.update(BEAT_SCHEDULE)` in the shop's settings; the Saleor 2.10
settings module does it). Imports nothing of Django, so settings can read it."""
from datetime import timedelta

BEAT_SCHEDULE = {
    "saleor-attention-pending-rules": {
        "task": "saleor_attention.tasks.run_pending_rules",
        "schedule": timedelta(minutes=1),
    },
    # Hourly: a renewal is due days ahead of its shipping (renewal_lead_days), and one
    # a run held or Saleor refused is placed by the next run after the cause is gone.
    "saleor-attention-renewals": {
        "task": "saleor_attention.tasks.run_renewals",
        "schedule": timedelta(hours=1),
    },
    # Hourly too: a charge released from attention is charged within the hour.
    "saleor-attention-charges": {
        "task": "saleor_attention.tasks.run_charges",
        "schedule": timedelta(hours=1),
    },
    # Customer e-mails and flag webhooks whose task was lost; what was sent is never
    # sent again.
    "saleor-attention-waiting-emails": {
        "task": "saleor_attention.tasks.send_waiting_emails",
        "schedule": timedelta(minutes=10),
    },
    "saleor-attention-waiting-webhooks": {
        "task": "saleor_attention.tasks.deliver_waiting_webhooks",
        "schedule": timedelta(minutes=10),
    },
    "saleor-attention-repair-mirrors": {
        "task": "saleor_attention.tasks.repair_mirrors",
        "schedule": timedelta(hours=1),
    },
}
