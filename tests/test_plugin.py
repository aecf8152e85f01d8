"""The plugin as Saleor's dashboard sees it: listed, configurable, validated."""
import pytest

from saleor_attention import config, plugin_state


def test_listed_in_saleor_plugins_query_with_its_settings(gql, shop):
    plugin = shop.plugin_state(gql, shop.superuser())

    assert plugin["name"] == "Attention (要対応)"
    assert plugin["active"] is True
    settings = {item["name"]: (item["value"], item["type"]) for item in plugin["configuration"]}
    assert settings == {
        "overdue_after_days": ("3", "STRING"),
        "deferred_payment_rejection_policy": ("ALL_ATTENTION", "STRING"),
        "cod_unavailable_shipping_methods": ("", "STRING"),
        "cod_payment_gateways": ("", "STRING"),
        "cod_allowed_regular_orders": ("true", "BOOLEAN"),
        "cod_allowed_first_subscription_orders": ("true", "BOOLEAN"),
        "cod_allowed_later_subscription_orders": ("true", "BOOLEAN"),
        "subscription_discount_check": ("false", "BOOLEAN"),
        "blacklist_match_patterns": ("PHONE,NAME_POSTAL_CODE,ADDRESS,EMAIL", "STRING"),
        "remote_island_check": ("false", "BOOLEAN"),
        "remote_island_postal_codes_added": ("", "STRING"),
        "remote_island_postal_codes_removed": ("", "STRING"),
        "history_language": ("", "STRING"),
        "inbound_secret": (None, "PASSWORD"),  # Saleor never shows a password back
        "inbound_replay_window_seconds": ("300", "STRING"),
        "webhook_urls": ("", "STRING"),
        "webhook_secret": (None, "PASSWORD"),
        "renewal_lead_days": ("3", "STRING"),
        "charge_lead_days": ("2", "STRING"),
        "charge_retries": ("2", "STRING"),
        "charge_retry_interval_days": ("1", "STRING"),
        **{name: (text, "STRING") for name, text in config.DEFAULT_EMAIL_TEXTS.items()},
        "customer_email_link": ("", "STRING"),
        "time_zone": ("", "STRING"),  # Django's TIME_ZONE
    }


def test_each_setting_has_a_short_label_and_a_help_sentence(gql, shop):
    """Saleor's plugin page shows `label` as the field's name and `helpText` under it."""
    plugin = shop.plugin_state(gql, shop.superuser())

    shown = {item["name"]: (item["label"], item["helpText"]) for item in plugin["configuration"]}
    assert shown["overdue_after_days"][0] == "Overdue after (days)"
    assert shown["overdue_after_days"][1].startswith("An active flag older than")
    for name, (label, help_text) in shown.items():
        assert len(label) <= 60 and not label.endswith("."), name
        assert len(help_text) > len(label) and help_text.endswith((".", ")")), name


def test_valid_setting_is_saved(configure):
    payload = configure(overdue_after_days="7")
    assert payload["errors"] == []
    stored = {item["name"]: (item["value"], item["type"]) for item in payload["plugin"]["configuration"]}
    assert stored["overdue_after_days"] == ("7", "STRING")


@pytest.mark.parametrize(
    "name, value, field",
    [
        ("overdue_after_days", "soon", "overdueAfterDays"),
        ("overdue_after_days", "0", "overdueAfterDays"),
        ("overdue_after_days", "1.5", "overdueAfterDays"),
        ("renewal_lead_days", "-1", "renewalLeadDays"),
        ("renewal_lead_days", "61", "renewalLeadDays"),
        ("charge_lead_days", "61", "chargeLeadDays"),
        ("charge_retries", "11", "chargeRetries"),
        ("charge_retries", "-1", "chargeRetries"),
        ("charge_retry_interval_days", "0", "chargeRetryIntervalDays"),
        ("deferred_payment_rejection_policy", "SOMETIMES", "deferredPaymentRejectionPolicy"),
        ("inbound_replay_window_seconds", "-5", "inboundReplayWindowSeconds"),
        ("blacklist_match_patterns", "PHONE,SHOE_SIZE", "blacklistMatchPatterns"),
        ("remote_island_postal_codes_added", "100-001", "remoteIslandPostalCodesAdded"),
        ("history_language", "fr", "historyLanguage"),
        ("history_language", "ja-JP", "historyLanguage"),
    ],
)
def test_bad_setting_is_a_field_error_and_not_saved(configure, name, value, field):
    payload = configure(**{name: value})

    [error] = payload["errors"]
    assert error["field"] == field
    assert error["code"] == "INVALID"
    stored = {item["name"]: item["value"] for item in configure()["plugin"]["configuration"]}
    assert stored[name] != value


def test_a_setting_declared_after_the_configuration_was_stored_can_be_changed(configure, shop):
    stored = plugin_state.stored_configuration()
    stored.configuration = [item for item in stored.configuration
                            if item["name"] != "history_language"]
    stored.save()

    assert configure(history_language="ja")["errors"] == []

    values = {item["name"]: item["value"] for item in plugin_state.stored_configuration().configuration}
    assert values["history_language"] == "ja" and values["overdue_after_days"] == "3"


@pytest.mark.parametrize("value", ["86401", "99999999999999999999999"])
def test_replay_window_has_an_upper_bound(configure, value):
    [error] = configure(inbound_replay_window_seconds=value)["errors"]

    assert error["field"] == "inboundReplayWindowSeconds" and error["code"] == "INVALID"
    assert "at most 86400" in error["message"]
    assert configure(inbound_replay_window_seconds="86400")["errors"] == []
