"""The whole staff flow through every path the plugin's API is served on: Saleor's
extended /graphql/ and, on Saleor 3, the plugin's own endpoint (no settings change)."""
import pytest

from .conftest import GraphQL, saleor_shop
from .documents import RELEASE_FLAGS, SET_FLAG, today


@pytest.fixture(params=saleor_shop.PLUGIN_API_PATHS)
def api(request, db):
    return GraphQL(request.param)


def test_set_refuse_release_ship(api, gql, shop, manager, order):
    flag = api(SET_FLAG, {"input": {"order": shop.order_id(order), "note": "hold"}}, as_=manager)[
        "data"
    ]["attentionFlagSet"]["flag"]

    refused = api(shop.ORDER_FULFILL, shop.fulfill_variables(order), as_=manager)
    assert refused["data"]["orderFulfill"]["orderErrors"][0]["code"] == "INVALID"
    assert shop.fulfillment_count(order) == 0

    released = api(
        RELEASE_FLAGS, {"input": {"flags": [flag["id"]], "handledOn": today()}}, as_=manager
    )["data"]["attentionFlagRelease"]
    assert released["errors"] == [] and released["remaining"] == []

    shipped = api(shop.ORDER_FULFILL, shop.fulfill_variables(order), as_=manager)
    assert shipped["data"]["orderFulfill"]["orderErrors"] == []
    assert shop.fulfillment_count(order) == 1


def test_app_token_is_recognised(api, shop, order):
    response = api(
        SET_FLAG, {"input": {"order": shop.order_id(order), "note": "from the WMS"}}, as_=shop.app()
    )
    assert response["data"]["attentionFlagSet"]["flag"]["source"] == "APP"


def test_anonymous_is_refused(api, shop, order):
    response = api(SET_FLAG, {"input": {"order": shop.order_id(order), "note": "x"}})
    assert response["data"]["attentionFlagSet"] is None
    assert "permission" in response["errors"][0]["message"].lower()


def test_a_browser_gets_a_page(api):
    response = api.client.get(api.path, HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    assert "text/html" in response["Content-Type"]
