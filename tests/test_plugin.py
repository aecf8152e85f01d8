"""The plugin as Saleor's dashboard sees it: listed, configurable, validated."""
import pytest


def test_listed_in_saleor_plugins_query_with_its_settings(gql, shop):
    plugin = shop.plugin_state(gql, shop.superuser())

    assert plugin["name"] == "Attention (要対応)"
    assert plugin["active"] is True
    assert plugin["configuration"] == [
        {"name": "overdue_after_days", "value": "3", "type": "STRING"}
    ]


def test_valid_setting_is_saved(configure):
    payload = configure(overdue_after_days="7")
    assert payload["errors"] == []
    assert {"name": "overdue_after_days", "value": "7", "type": "STRING"} in payload["plugin"][
        "configuration"
    ]


@pytest.mark.parametrize("value", ["soon", "0", "-2", "1.5"])
def test_bad_setting_is_a_field_error_and_not_saved(configure, value):
    payload = configure(overdue_after_days=value)

    [error] = payload["errors"]
    assert error["field"] == "overdueAfterDays"
    assert error["code"] == "INVALID"
    assert configure()["plugin"]["configuration"][0]["value"] == "3"
