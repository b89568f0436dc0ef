"""Every role's CLI commands through Typer's test runner against a real anvil and the deployed suite:
the README walkthrough, each order path, --json output, and every bad input named in the issue."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner
from web3 import Web3

from glocal_chain.chain.anvil import free_port
from glocal_chain.cli.main import app
from glocal_chain.sdk.inputs import format_units

runner = CliRunner()
GCODE = "examples/calibration-cube.gcode"
PASSWORD = "correct-horse"


@pytest.fixture(scope="module")
def cli_home(tmp_path_factory, node, deployed):
    """One data folder (wallets) and the deployed suite, reachable as network `test`."""
    home = tmp_path_factory.mktemp("cli-home")
    networks = home / "networks.toml"
    networks.write_text(f'default = "test"\n[networks.test]\nrpc_urls = ["{node.url}"]\nchain_id = {node.chain_id}\n'
                        'gas_policy = "free"\n')
    return {"GLOCAL_HOME": str(home), "GLOCAL_NETWORKS_FILE": str(networks),
            "GLOCAL_DEPLOYMENTS_DIR": str(deployed.path.parent), "GLOCAL_WALLET_PASSWORD": PASSWORD}


@pytest.fixture
def glocal(cli_home, monkeypatch):
    for key, value in cli_home.items():
        monkeypatch.setenv(key, value)

    def run(*args: str, ok: bool = True, as_json: bool = True):
        result = runner.invoke(app, [*args, *(["--json"] if as_json else [])])
        if ok:
            assert result.exit_code == 0, (args, result.output, result.exception)
            return json.loads(result.output) if as_json else result.output
        assert result.exit_code != 0, (args, result.output)
        return str(result.exception) if result.exception and not isinstance(result.exception, SystemExit) \
            else result.output

    return run


@pytest.fixture(scope="module")
def people(cli_home):
    """Wallets for every role (anvil keys for the deploy-time roles, fresh keys for the rest)."""
    with pytest.MonkeyPatch.context() as patch:
        for key, value in cli_home.items():
            patch.setenv(key, value)
        for name, index in (("operator", 0), ("oracle", 1), ("arbiter", 2)):
            assert runner.invoke(app, ["wallet", "import", name, "--anvil-account", str(index)]).exit_code == 0
        for name in ("designer", "fablab", "library", "buyer"):
            assert runner.invoke(app, ["wallet", "new", name]).exit_code == 0
        addresses = json.loads(runner.invoke(app, ["wallet", "list", "--json"]).output)
    return {entry["name"]: entry["address"] for entry in addresses}


@pytest.fixture(scope="module")
def market(cli_home, people):
    """A product and two approved hubs offering it; the buyer holds 1,000 gUSD."""
    with pytest.MonkeyPatch.context() as patch:
        for key, value in cli_home.items():
            patch.setenv(key, value)

        def run(*args):
            result = runner.invoke(app, [*args, "--json"])
            assert result.exit_code == 0, (args, result.output, result.exception)
            return json.loads(result.output)

        product = run("product", "register", GCODE, "--metadata-uri", "ipfs://cube", "--royalty-bps", "1000",
                      "--wallet", "designer")
        near = run("hub", "register", "--geohash", "u4pruydq", "--capabilities", "1", "--wallet", "fablab")
        far = run("hub", "register", "--geohash", "u33dc0", "--capabilities", "1", "--wallet", "library")
        for hub in (near, far):
            run("admin", "approve-hub", str(hub["hub_id"]), "--wallet", "operator")
        run("hub", "offer", str(near["hub_id"]), "--product", str(product["product_id"]), "--price", "12",
            "--lead-time-hours", "24", "--wallet", "fablab")
        run("hub", "offer", str(far["hub_id"]), "--product", str(product["product_id"]), "--price", "9",
            "--lead-time-hours", "48", "--wallet", "library")
        run("token", "mint", people["buyer"], "--amount", "1000", "--wallet", "buyer")
    return {"product": product["product_id"], "near": near["hub_id"], "far": far["hub_id"]}


def _place(glocal, market, max_total="15"):
    order = glocal("order", "place", "--product", str(market["product"]), "--hub", str(market["near"]),
                   "--max-total", max_total, "--wallet", "buyer")
    assert order["status"] == "paid"
    return str(order["order_id"])


def test_walkthrough_runs_whole_lifecycle_if_every_role_acts(glocal, market, people):
    product = glocal("product", "show", str(market["product"]))
    assert product["royalty_bps"] == 1000 and product["version"] == 1
    ranked = glocal("hub", "near", "u4pruydr", "--product", str(market["product"]))
    assert [entry["hub_id"] for entry in ranked] == [market["near"], market["far"]]  # nearest first, though dearer
    before = glocal("wallet", "balance", "fablab")
    order_id = _place(glocal, market)
    shown = glocal("order", "show", order_id)
    assert shown["amount"] == 13_200_000  # 12 + 10 % royalty, 6 decimals
    assert (shown["design_version"], shown["lead_time_hours"], shown["quorum"], shown["weight"]) == (1, 24, 1, 2_400)
    assert "design v1 at hub" in glocal("order", "show", order_id, as_json=False)
    assert glocal("order", "accept", order_id, "--wallet", "fablab")["status"] == "accepted"
    assert glocal("order", "ship", order_id, "--tracking", "PARCEL-1", "--wallet", "fablab")["status"] == "shipped"
    assert glocal("order", "confirm", order_id, "--wallet", "oracle")["status"] == "delivered"
    assert glocal("order", "rate", order_id, "--stars", "5", "--wallet", "buyer")["rated"] is True
    withdrawn = glocal("order", "withdraw", "--wallet", "fablab")
    assert withdrawn["amount"] == 11_760_000  # 12 gUSD less the 2 % community fee
    after = glocal("wallet", "balance", "fablab")
    gusd = next(row for row in after["balances"] if row["token"] == "gUSD")
    assert float(gusd["balance"]) == float(next(r for r in before["balances"] if r["token"] == "gUSD")["balance"]) + 11.76
    assert glocal("order", "withdraw", "--wallet", "designer")["amount"] == 1_200_000
    hub = glocal("hub", "show", str(market["near"]))
    assert hub["reputation"]["completed"] >= 1 and hub["reputation"]["raters"] == 1
    # 12 gUSD at a 2 % fee pays 0.24 gUSD of the 1 gUSD rating fee unit: the order and its rating weigh 0.24
    assert hub["reputation"]["rating_weight"] == 2_400 and hub["reputation"]["weighted_stars"] == 5 * 2_400
    assert hub["reputation"]["rating_centi_stars"] == (20 * 10_000 * 300 + 5 * 2_400 * 100) // (20 * 10_000 + 2_400)
    human = glocal("hub", "show", str(market["near"]), as_json=False)
    assert "from 1 rater (weight 0.24)" in human and "disputes expired 0" in human
    listed = glocal("order", "list", "--buyer", people["buyer"])
    assert int(order_id) in [entry["order_id"] for entry in listed]
    assert int(order_id) in [entry["order_id"] for entry in glocal("order", "list", "--hub", str(market["near"]))]


def test_dispute_then_resolve_splits_escrow_if_arbiter_decides(glocal, market):
    order_id = _place(glocal, market)
    glocal("order", "accept", order_id, "--wallet", "fablab")
    glocal("order", "ship", order_id, "--tracking", "PARCEL-2", "--wallet", "fablab")
    assert glocal("order", "dispute", order_id, "--reason", "cracked", "--wallet", "buyer")["status"] == "disputed"
    assert glocal("order", "resolve", order_id, "--refund-bps", "5000", "--wallet", "arbiter")["status"] == "resolved"


def test_cancel_and_reject_refund_buyer_if_order_paid(glocal, market):
    cancelled = _place(glocal, market)
    assert glocal("order", "cancel", cancelled, "--wallet", "buyer")["status"] == "refunded"
    rejected = _place(glocal, market)
    assert glocal("order", "reject", rejected, "--reason", "hash mismatch", "--wallet", "fablab")["status"] == "refunded"
    assert glocal("order", "withdraw", "--wallet", "buyer")["amount"] >= 2 * 13_200_000


def test_claim_refund_and_finalize_work_if_deadlines_passed(glocal, market, w3):
    late = _place(glocal, market)
    shipped = _place(glocal, market)
    glocal("order", "accept", late, "--wallet", "fablab")
    glocal("order", "accept", shipped, "--wallet", "fablab")
    glocal("order", "ship", shipped, "--tracking", "PARCEL-3", "--wallet", "fablab")
    w3.provider.make_request("evm_increaseTime", [4 * 86400])
    w3.provider.make_request("evm_mine", [])
    assert glocal("order", "claim-refund", late, "--wallet", "buyer")["status"] == "refunded"
    assert glocal("order", "finalize", shipped, "--wallet", "library")["status"] == "delivered"


def test_admin_commands_change_governance_if_operator(glocal, market, people):
    assert glocal("admin", "set-quorum", "2", "--wallet", "operator")["quorum"] == 2
    assert glocal("admin", "set-quorum", "1", "--wallet", "operator")["quorum"] == 1
    assert glocal("admin", "set-fee", "300", "--wallet", "operator")["fee_bps"] == 300
    glocal("admin", "set-fee", "200", "--wallet", "operator")
    assert glocal("admin", "add-arbiter", people["library"], "--wallet", "operator")["granted"] is True
    assert glocal("admin", "remove-arbiter", people["library"], "--wallet", "operator")["granted"] is False
    assert glocal("admin", "add-oracle", people["library"], "--wallet", "operator")["granted"] is True
    glocal("admin", "remove-oracle", people["library"], "--wallet", "operator")
    assert glocal("admin", "pause", "--wallet", "operator")["paused"] is True
    message = glocal("order", "place", "--product", str(market["product"]), "--hub", str(market["near"]),
                     "--max-total", "15", "--wallet", "buyer", ok=False)
    assert "EnforcedPause" in message
    assert glocal("admin", "unpause", "--wallet", "operator")["paused"] is False
    allowed = glocal("admin", "allow-token", "gUSD", "--wallet", "operator")  # listed: keeps its unit
    assert allowed["allowed"] is True and allowed["rating_fee_unit"] == 1_000_000
    assert glocal("admin", "allow-token", "gUSD", "--rating-fee-unit", "2.5", "--wallet",
                  "operator")["rating_fee_unit"] == 2_500_000
    glocal("admin", "allow-token", "gUSD", "--rating-fee-unit", "1", "--wallet", "operator")
    unlisted = "0x" + "77" * 20
    assert "--rating-fee-unit" in glocal("admin", "allow-token", unlisted, "--wallet", "operator", ok=False)
    assert "is not an ERC-20 token" in glocal("admin", "allow-token", unlisted, "--rating-fee-unit", "1",
                                              "--wallet", "operator", ok=False)
    assert glocal("admin", "set-lead-time-cap", "36", "--wallet", "operator")["max_lead_time_hours"] == 36
    capped = glocal("order", "place", "--product", str(market["product"]), "--hub", str(market["far"]),
                    "--max-total", "15", "--wallet", "buyer", ok=False)  # the far hub's 48 h is above the cap
    assert "LeadTimeAboveCap(leadTimeHours=48, maxLeadTimeHours=36)" in capped
    assert glocal("admin", "set-lead-time-cap", "720", "--wallet", "operator")["max_lead_time_hours"] == 720
    suspended = glocal("admin", "suspend-hub", str(market["far"]), "--reason", "audit", "--wallet", "operator")
    assert suspended["status"] == "suspended"
    glocal("admin", "approve-hub", str(market["far"]), "--wallet", "operator")


def test_product_new_version_and_retire_if_designer(glocal, tmp_path):
    design = tmp_path / "v2.gcode"
    design.write_text("G28\n")
    product = glocal("product", "register", GCODE, "--metadata-uri", "ipfs://x", "--wallet", "designer")
    updated = glocal("product", "new-version", str(product["product_id"]), str(design), "--metadata-uri", "ipfs://y",
                     "--wallet", "designer")
    assert updated["version"] == 2 and updated["design_hash"] != product["design_hash"]
    assert glocal("product", "retire", str(product["product_id"]), "--wallet", "designer")["active"] is False
    assert any(p["product_id"] == product["product_id"] for p in glocal("product", "list"))


def test_hub_withdraw_offer_and_list_if_operator(glocal, market):
    glocal("hub", "offer", str(market["far"]), "--product", str(market["product"]), "--price", "9", "--wallet", "library")
    assert glocal("hub", "withdraw-offer", str(market["far"]), "--product", str(market["product"]),
                  "--wallet", "library")["withdrawn"] is True
    assert len(glocal("hub", "list")) >= 2
    glocal("hub", "offer", str(market["far"]), "--product", str(market["product"]), "--price", "9",
           "--lead-time-hours", "48", "--wallet", "library")


# ---------------------------------------------------------------- bad input: one clear line, nothing sent

def test_bad_inputs_get_one_clear_message_if_malformed_or_impossible(glocal, market, people, w3):
    buyer_nonce = w3.eth.get_transaction_count(people["buyer"])
    cases = [
        (("token", "balance", "--address", "0x1234"), "invalid address '0x1234'"),
        (("token", "balance"), "whose balance? name one of your wallets with --wallet NAME"),
        (("token", "balance", "--wallet", "buyer", "--address", people["buyer"]), "whose balance?"),
        (("hub", "register", "--geohash", "u4pa!", "--wallet", "fablab"), "invalid geohash 'u4pa!'"),
        (("product", "show", "999"), "ProductNotFound(productId=999)"),
        (("hub", "show", "999"), "HubNotFound(hubId=999)"),
        (("order", "show", "99999"), "OrderNotFound(orderId=99999)"),
        (("order", "place", "--product", str(market["product"]), "--hub", str(market["near"]), "--max-total", "10",
          "--wallet", "buyer"), "the total is 13.2 gUSD, above the maximum 10.0 gUSD: nothing sent"),
        (("order", "place", "--product", str(market["product"]), "--hub", str(market["near"]), "--quantity", "1000",
          "--max-total", "100000", "--wallet", "buyer"), "is less than the total 13200.0 gUSD: nothing sent"),
        (("order", "place", "--product", str(market["product"]), "--hub", str(market["near"]), "--max-total", "1.0000001",
          "--wallet", "buyer"), "invalid amount '1.0000001' (at most 6 decimals)"),
        (("order", "place", "--product", "999", "--hub", str(market["near"]), "--max-total", "1", "--wallet", "buyer"),
         "ProductNotFound(productId=999)"),
        (("order", "cancel", "1", "--wallet", "library"), "reverted: "),
        (("order", "rate", "1", "--stars", "9", "--wallet", "buyer"), "a rating is 1 to 5, not 9"),
        (("order", "list"), "list orders --buyer ADDRESS or --hub ID"),
        (("wallet", "address", "nobody"), "no wallet named 'nobody'"),
    ]
    for args, expected in cases:
        message = glocal(*args, ok=False)
        assert expected in message, (args, message)
    assert w3.eth.get_transaction_count(people["buyer"]) == buyer_nonce


def test_wrong_wallet_password_is_refused_if_typed_wrong(glocal, market, monkeypatch):
    monkeypatch.setenv("GLOCAL_WALLET_PASSWORD", "not-the-password")
    message = glocal("order", "cancel", "1", "--wallet", "buyer", ok=False)
    assert message == "wrong password for wallet 'buyer'"


def test_unreachable_rpc_is_named_if_node_down(glocal, tmp_path, monkeypatch, cli_home):
    networks = tmp_path / "networks.toml"
    networks.write_text(f'default = "test"\n[networks.test]\nrpc_urls = ["http://127.0.0.1:{free_port()}"]\n'
                        'chain_id = 31337\n')
    monkeypatch.setenv("GLOCAL_NETWORKS_FILE", str(networks))
    message = glocal("product", "list", ok=False)
    assert "cannot reach http://127.0.0.1:" in message or "no RPC URL answers" in message


def test_wallet_keys_never_appear_in_output_if_imported(glocal, tmp_path):
    key_file = tmp_path / "key"
    key = "0x" + "5c" * 32
    key_file.write_text(key)
    output = glocal("wallet", "import", "imported", "--key-file", str(key_file), as_json=False)
    assert key[2:] not in output and "5c5c5c" not in output
    assert glocal("wallet", "address", "imported")["address"].startswith("0x")


def test_remaining_commands_work_if_used(glocal, market, people, w3):
    config = glocal("admin", "config")
    assert config["quorum"] == 1 and config["fee_bps"] == 200 and config["paused"] is False
    assert config["max_lead_time_hours"] == 720
    assert "max_lead_time_hours    720" in glocal("admin", "config", as_json=False)
    balance = glocal("token", "balance", "--address", people["buyer"])
    assert balance["balance"] > 0
    received = _place(glocal, market)
    glocal("order", "accept", received, "--wallet", "fablab")
    glocal("order", "ship", received, "--tracking", "PARCEL-9", "--wallet", "fablab")
    assert glocal("order", "confirm-receipt", received, "--wallet", "buyer")["status"] == "delivered"
    expired = _place(glocal, market)
    glocal("order", "accept", expired, "--wallet", "fablab")
    glocal("order", "ship", expired, "--tracking", "PARCEL-10", "--wallet", "fablab")
    glocal("order", "dispute", expired, "--reason", "late", "--wallet", "buyer")
    w3.provider.make_request("evm_increaseTime", [8 * 86400])
    w3.provider.make_request("evm_mine", [])
    assert glocal("order", "settle-dispute", expired, "--wallet", "library")["status"] == "resolved"
    human = glocal("order", "show", expired, as_json=False)
    assert human.startswith(f"order {expired}: resolved")
    assert glocal("hub", "show", str(market["near"]))["reputation"]["disputes_expired"] == 1


def test_order_quote_and_place_bind_lead_time_if_buyer_sets_maximum(glocal, market):
    quoted = glocal("order", "quote", "--product", str(market["product"]), "--hub", str(market["far"]))
    assert (quoted["total"], quoted["design_version"], quoted["lead_time_hours"]) == (9_900_000, 1, 48)
    assert quoted["terms"]["max_lead_time_hours"] == 48 and quoted["terms"]["max_total"] == 9_900_000
    human = glocal("order", "quote", "--product", str(market["product"]), "--hub", str(market["far"]), as_json=False)
    assert human == f"1 x product {market['product']} design v1 at hub {market['far']}: 9.9 gUSD (royalty 0.9), " \
                    "lead time 48 h\n"
    message = glocal("order", "place", "--product", str(market["product"]), "--hub", str(market["far"]),
                     "--max-total", "10", "--max-lead-time-hours", "24", "--wallet", "buyer", ok=False)
    assert "LeadTimeAboveMaximum(leadTimeHours=48, maxLeadTimeHours=24)" in message
    order = glocal("order", "place", "--product", str(market["product"]), "--hub", str(market["far"]),
                   "--max-total", "10", "--max-lead-time-hours", "72", "--wallet", "buyer")
    assert order["status"] == "paid" and order["lead_time_hours"] == 48
    glocal("order", "cancel", str(order["order_id"]), "--wallet", "buyer")


# ---------------------------------------------------------------- errors by name, with a hint

def test_token_balance_takes_wallet_if_named_like_every_other_command(glocal, market, people):
    by_wallet = glocal("token", "balance", "--wallet", "library")
    assert by_wallet == glocal("token", "balance", "--address", people["library"])
    minted = glocal("token", "mint", "--amount", "2.5", "--wallet", "library")  # to the signing wallet itself
    assert minted["to"] == people["library"]
    assert glocal("token", "balance", "--wallet", "library")["balance"] == by_wallet["balance"] + 2_500_000
    assert glocal("token", "balance", "-w", "library", as_json=False).endswith(" gUSD\n")


def test_revert_names_order_status_if_step_comes_too_late(glocal, market):
    order_id = _place(glocal, market)
    glocal("order", "accept", order_id, "--wallet", "fablab")
    glocal("order", "ship", order_id, "--tracking", "PARCEL-L", "--wallet", "fablab")
    glocal("order", "confirm", order_id, "--wallet", "oracle")
    message = glocal("order", "accept", order_id, "--wallet", "fablab", ok=False)
    assert f"InvalidOrderStatus(orderId={order_id}, status=Delivered)" in message, message


def test_missing_role_names_role_and_its_holder_if_wrong_wallet_signs(glocal, market, people):
    fablab = people["fablab"]
    message = glocal("admin", "approve-hub", str(market["far"]), "--wallet", "fablab", ok=False)
    assert f"AccessControlUnauthorizedAccount(account={fablab}, neededRole=HUB_APPROVER_ROLE)" in message, message
    assert f"{fablab} lacks HUB_APPROVER_ROLE on HubRegistry" in message
    assert "wallet 'operator' holds it (--wallet operator)" in message
    assert f"`glocal admin add-hub-approver --areas AREAS {fablab} --wallet operator`" in message
    confirm = glocal("order", "confirm", "1", "--wallet", "buyer", ok=False)
    assert "neededRole=ORACLE_ROLE" in confirm and "wallet 'oracle' holds it (--wallet oracle)" in confirm, confirm
    assert f"`glocal admin add-oracle {people['buyer']} --wallet operator`" in confirm
    # the command the hint names works
    granted = glocal("admin", "add-hub-approver", fablab, "--areas", "u33", "--wallet", "operator")
    assert (granted["granted"], granted["areas"]) == (True, ["u33"])  # the far hub, at u33dc0, is in its area
    assert f"HubStatusUnchanged(hubId={market['far']}, status=Approved)" in glocal(
        "admin", "approve-hub", str(market["far"]), "--wallet", "fablab", ok=False)
    assert glocal("admin", "suspend-hub", str(market["far"]), "--reason", "audit", "--wallet", "fablab")["status"] \
        == "suspended"
    assert glocal("admin", "approve-hub", str(market["far"]), "--wallet", "fablab")["status"] == "approved"
    assert glocal("admin", "remove-hub-approver", fablab, "--wallet", "operator")["granted"] is False


def test_too_little_balance_says_how_to_get_tokens_if_order_costs_more(glocal, market):
    held = glocal("token", "balance", "--wallet", "fablab")["balance"]
    message = glocal("order", "place", "--product", str(market["product"]), "--hub", str(market["near"]),
                     "--quantity", "1000", "--max-total", "100000", "--wallet", "fablab", ok=False)
    assert "less than the total 13200.0 gUSD: nothing sent" in message, message
    shortfall = format_units(13_200_000_000 - held, 6)
    assert f"`glocal token mint --amount {shortfall} --wallet YOUR_WALLET`" in message, message
    glocal("token", "mint", "--amount", shortfall, "--wallet", "fablab")  # what it says is enough
    assert glocal("token", "balance", "--wallet", "fablab")["balance"] == 13_200_000_000


def test_order_show_gives_tracking_number_if_shipped_with_hub_pickup_number(glocal, market):
    order_id = _place(glocal, market)
    unshipped = glocal("order", "show", order_id)
    assert unshipped["tracking_ref"] is None and unshipped["tracking_number"] is None
    assert "not shipped: no tracking number yet" in glocal("order", "show", order_id, as_json=False)
    glocal("order", "accept", order_id, "--wallet", "fablab")
    pickup = f"PICKUP-{market['near']}-{order_id}"
    glocal("order", "ship", order_id, "--tracking", pickup, "--wallet", "fablab")
    shown = glocal("order", "show", order_id)
    assert shown["tracking_number"] == pickup
    assert shown["tracking_ref"] == "0x" + Web3.keccak(text=pickup).hex().removeprefix("0x")
    human = glocal("order", "show", order_id, as_json=False)
    assert f"tracking number {pickup} (the hub's pickup desk), ref {shown['tracking_ref']}" in human, human


def test_order_show_gives_only_ref_if_shipped_with_carrier_number(glocal, market):
    order_id = _place(glocal, market)
    glocal("order", "accept", order_id, "--wallet", "fablab")
    glocal("order", "ship", order_id, "--tracking", f"PARCEL-{order_id}", "--wallet", "fablab")
    shown = glocal("order", "show", order_id)
    assert shown["tracking_number"] is None
    assert shown["tracking_ref"] == "0x" + Web3.keccak(text=f"PARCEL-{order_id}").hex().removeprefix("0x")
    assert "the keccak256 of a number other than PICKUP-" in glocal("order", "show", order_id, as_json=False)
    custom = glocal("order", "show", order_id, "--tracking-format", "PARCEL-{order}")
    assert custom["tracking_number"] == f"PARCEL-{order_id}"
    assert f"tracking number PARCEL-{order_id} (format PARCEL-{{order}})" in glocal(
        "order", "show", order_id, "--tracking-format", "PARCEL-{order}", as_json=False)
    assert "must contain {order}" in glocal("order", "show", order_id, "--tracking-format", "PICKUP-{hub}", ok=False)
