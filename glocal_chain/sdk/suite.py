"""GlocalSuite: the deployed suite as one typed object; one method per user action.

Writes are signed locally by the suite's Sender; a revert that a call can predict is raised (as a
ContractRevert naming the custom error) before anything is sent.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eth_typing import ChecksumAddress
from web3 import Web3
from web3.contract import Contract
from web3.exceptions import BadFunctionCallOutput, ContractCustomError, ContractLogicError
from web3.logs import DISCARD

from glocal_chain import geo
from glocal_chain.chain.artifacts import load_artifact
from glocal_chain.chain.connection import connect
from glocal_chain.chain.networks import NetworkConfig
from glocal_chain.chain.permit import sign_permit
from glocal_chain.chain.transactions import Sender, call_view, revert_from_exception
from glocal_chain.deploy.deployer import ROLES, verify_deployment
from glocal_chain.deploy.deployments import Deployment, require_deployment
from glocal_chain.errors import GlocalError
from glocal_chain.events.decode import LogDecoder
from glocal_chain.sdk.models import (
    NATIVE_COIN,
    Hub,
    HubStatus,
    Offer,
    Order,
    OrderStatus,
    OrderTerms,
    Product,
    Quote,
    Reputation,
)

log = logging.getLogger(__name__)

PERMIT_VALIDITY_S = 3600
# The escrow's errors about moving the payment (not about the terms): what a preflight without the
# payment in place expects.
PAYMENT_ERRORS = frozenset({"IncorrectPayment", "SafeERC20FailedOperation"})
NATIVE_DECIMALS = 18
ROLE_ALIASES = {"oracle": ("OrderEscrow", "ORACLE_ROLE"), "arbiter": ("OrderEscrow", "ARBITER_ROLE"),
                "hub-approver": ("HubRegistry", "HUB_APPROVER_ROLE")}


class InputError(GlocalError):
    """An argument is malformed (address, hash, amount) or cannot work (balance, allowance)."""


def require_address(value: str, what: str = "address") -> ChecksumAddress:
    if not Web3.is_address(value):
        raise InputError(f"invalid {what} {value!r}: expected 0x followed by 40 hex digits")
    return Web3.to_checksum_address(value)


def sha256_file(path: Path) -> str:
    try:
        return "0x" + hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError as exc:
        raise InputError(f"cannot read design file {path}: {exc.strerror}") from exc


def tracking_ref(tracking_number: str) -> bytes:
    """What goes on chain for a carrier's tracking number: its keccak256 (the number stays private)."""
    if not tracking_number.strip():
        raise InputError("the tracking number is empty")
    return bytes(Web3.keccak(text=tracking_number.strip()))


@dataclass(frozen=True)
class RankedHub:
    hub: Hub
    offer: Offer
    distance_km: float
    shared_prefix: int

    def to_dict(self) -> dict[str, Any]:
        return {**self.hub.to_dict(), "offer": self.offer.to_dict(), "distance_km": round(self.distance_km, 3),
                "shared_geohash_prefix": self.shared_prefix}


class GlocalSuite:
    """The suite of one network, read through `w3` and written through `sender` (if any)."""

    def __init__(self, w3: Web3, deployment: Deployment, sender: Sender | None = None) -> None:
        self.w3 = w3
        self.deployment = deployment
        self.sender = sender
        self.hubs = self._contract("HubRegistry")
        self.products = self._contract("ProductRegistry")
        self.escrow = self._contract("OrderEscrow")

    @classmethod
    def open(cls, network: NetworkConfig, account: Any | None = None, verify: bool = True) -> GlocalSuite:
        """Connects to `network`, loads deployments/<network>.json and checks it against the chain."""
        w3 = connect(network)
        deployment = require_deployment(network.name)
        if verify:
            verify_deployment(w3, deployment)
        sender = None
        if account is not None:
            sender = Sender(w3, account, gas_policy=network.gas_policy, confirmations=network.confirmations)
        return cls(w3, deployment, sender)

    # ------------------------------------------------------------------ plumbing
    def _contract(self, name: str, address: str | None = None) -> Contract:
        artifact = "TestToken" if name == "ERC20" else name
        return self.w3.eth.contract(address=Web3.to_checksum_address(address or self.deployment.address(name)),
                                    abi=load_artifact(artifact).abi)

    def _send(self, call: Any, action: str, value: int = 0) -> Any:
        if self.sender is None:
            raise InputError(f"{action}: no wallet chosen (use --wallet)")
        return self.sender.transact(call, action, value=value)

    def _event(self, receipt: Any, contract: Contract, name: str) -> dict[str, Any]:
        events = getattr(contract.events, name)().process_receipt(receipt, errors=DISCARD)
        if not events:
            raise GlocalError(f"transaction {receipt['transactionHash'].hex()} emitted no {name}")
        return dict(events[0]["args"])

    @property
    def me(self) -> str:
        if self.sender is None:
            raise InputError("no wallet chosen (use --wallet)")
        return self.sender.address

    # ------------------------------------------------------------------ tokens
    def token(self, symbol_or_address: str) -> str:
        """A payment token's address from its symbol in the deployment ("native", "gUSD") or an address."""
        if symbol_or_address in self.deployment.payment_tokens:
            return Web3.to_checksum_address(self.deployment.payment_tokens[symbol_or_address])
        return require_address(symbol_or_address, "token address")

    def erc20(self, token: str) -> Contract:
        """An ERC-20 payment token's contract."""
        return self._contract("ERC20", token)

    def token_info(self, token: str) -> tuple[str, int]:
        """(symbol, decimals) of a token; the native coin is ("native", 18)."""
        if token == NATIVE_COIN:
            return "native", NATIVE_DECIMALS
        erc20 = self._contract("ERC20", token)
        try:
            return erc20.functions.symbol().call(), erc20.functions.decimals().call()
        except (ContractLogicError, BadFunctionCallOutput, ValueError) as exc:
            raise InputError(f"{token} is not an ERC-20 token") from exc

    def balance(self, account: str, token: str) -> int:
        account = require_address(account)
        if token == NATIVE_COIN:
            return int(self.w3.eth.get_balance(account))
        return int(self._contract("ERC20", token).functions.balanceOf(account).call())

    def mint_test_tokens(self, to: str, amount: int) -> None:
        """Local networks only: the test token's open mint."""
        if "gUSD" not in self.deployment.payment_tokens:
            raise InputError("this network has no test token: minting is for local networks only")
        token = self._contract("ERC20", self.deployment.payment_tokens["gUSD"])
        self._send(token.functions.mint(require_address(to), amount), "mint test tokens")

    # ------------------------------------------------------------------ products (designer)
    def register_product(self, design_hash: str, metadata_uri: str, royalty_bps: int) -> Product:
        receipt = self._send(self.products.functions.registerProduct(_hash32(design_hash), metadata_uri, royalty_bps),
                             "register product")
        return self.product(self._event(receipt, self.products, "ProductRegistered")["productId"])

    def publish_version(self, product_id: int, design_hash: str, metadata_uri: str) -> Product:
        self._send(self.products.functions.publishVersion(product_id, _hash32(design_hash), metadata_uri),
                   f"publish a new version of product {product_id}")
        return self.product(product_id)

    def set_royalty(self, product_id: int, royalty_bps: int) -> Product:
        self._send(self.products.functions.setRoyalty(product_id, royalty_bps), f"set royalty of product {product_id}")
        return self.product(product_id)

    def retire_product(self, product_id: int) -> Product:
        self._send(self.products.functions.retireProduct(product_id), f"retire product {product_id}")
        return self.product(product_id)

    def product(self, product_id: int) -> Product:
        raw = call_view(self.products.functions.product(product_id), f"read product {product_id}")
        uri = self.products.functions.productMetadataURI(product_id).call()
        return Product(product_id, raw[0], "0x" + raw[4].hex(), raw[1], raw[2], raw[3], uri)

    def design_hash_of(self, product_id: int, version: int) -> str:
        """The sha256 of one version of a product's design (every version stays readable)."""
        raw = call_view(self.products.functions.designHashOf(product_id, version),
                        f"read design version {version} of product {product_id}")
        return "0x" + bytes(raw).hex()

    def list_products(self) -> list[Product]:
        return [self.product(i) for i in range(1, self.products.functions.productCount().call() + 1)]

    # ------------------------------------------------------------------ hubs (operator)
    def register_hub(self, geohash: str, capabilities: int, metadata_uri: str) -> Hub:
        receipt = self._send(self.hubs.functions.registerHub(geo.to_bytes12(geohash), capabilities, metadata_uri),
                             "register hub")
        return self.hub(self._event(receipt, self.hubs, "HubRegistered")["hubId"])

    def publish_offer(self, product_id: int, hub_id: int, token: str, price: int, lead_time_hours: int) -> Offer:
        self._send(self.products.functions.publishOffer(product_id, hub_id, token, price, lead_time_hours),
                   f"publish offer of hub {hub_id} for product {product_id}")
        return self.offer(product_id, hub_id)

    def withdraw_offer(self, product_id: int, hub_id: int) -> None:
        self._send(self.products.functions.withdrawOffer(product_id, hub_id),
                   f"withdraw offer of hub {hub_id} for product {product_id}")

    def hub(self, hub_id: int) -> Hub:
        raw = call_view(self.hubs.functions.hub(hub_id), f"read hub {hub_id}")
        return Hub(hub_id, raw[0], HubStatus(raw[1]), geo.from_bytes12(raw[3]), raw[2],
                   self.hubs.functions.hubMetadataURI(hub_id).call(), self.reputation(hub_id))

    def reputation(self, hub_id: int) -> Reputation:
        counters: tuple[int, int, int, int, int, int, int] = call_view(self.hubs.functions.reputation(hub_id),
                                                                       f"read reputation of hub {hub_id}")
        raters, weight, weighted_stars = self.hubs.functions.ratings(hub_id).call()
        rating, reliability = self.hubs.functions.score(hub_id).call()
        return Reputation(*counters, raters, weight, weighted_stars, rating, reliability)

    def rater_record(self, hub_id: int, rater: str) -> tuple[int, int]:
        """(latest stars, weight) of one rater at a hub; (0, 0) if it never rated the hub."""
        rating, weight = call_view(self.hubs.functions.raterRecord(hub_id, require_address(rater, "rater address")),
                                   f"read rating of hub {hub_id} by {rater}")
        return int(rating), int(weight)

    def list_hubs(self) -> list[Hub]:
        return [self.hub(i) for i in range(1, self.hubs.functions.hubCount().call() + 1)]

    def offer(self, product_id: int, hub_id: int) -> Offer:
        token, price, lead = self.products.functions.offer(product_id, hub_id).call()
        return Offer(product_id, hub_id, token, price, lead)

    def near(self, geohash: str, product_id: int) -> list[RankedHub]:
        """Approved hubs offering the product: nearest geohash ring first, then reputation, then price."""
        geo.validate(geohash)
        self.product(product_id)  # unknown product: a clear error rather than an empty list
        ranked = []
        for hub in self.list_hubs():
            if hub.status is not HubStatus.APPROVED:
                continue
            offer = self.offer(product_id, hub.hub_id)
            if offer.price == 0:
                continue
            ranked.append(RankedHub(hub, offer, geo.distance_km(geohash, hub.geohash),
                                    geo.shared_prefix(geohash, hub.geohash)))
        ranked.sort(key=lambda r: geo.local_first_key(geohash, r.hub.geohash, r.distance_km,
                                                      r.hub.reputation.rating_centi_stars, r.offer.price))
        return ranked

    # ------------------------------------------------------------------ orders (buyer)
    def quote(self, product_id: int, hub_id: int, quantity: int) -> Quote:
        """The current offer priced for `quantity`, with the terms to place it on (`quote.terms`)."""
        terms, royalty = call_view(self.escrow.functions.quoteOrder(product_id, hub_id, quantity),
                                   f"quote product {product_id} at hub {hub_id}")
        quoted = OrderTerms.from_tuple(terms)
        return Quote(product_id, hub_id, quantity, quoted.token, quoted.max_total, royalty, quoted.design_version,
                     quoted.max_lead_time_hours)

    def place_order(self, product_id: int, hub_id: int, quantity: int, max_total: int | None = None, *,
                    terms: OrderTerms | None = None, max_lead_time_hours: int | None = None) -> Order:
        """Places an order on agreed terms: `terms` quoted earlier (e.g. shown to the buyer), else the current
        quote's. The escrow takes it only on those terms (token, design version, at most their lead time);
        a term changed since the quote is refused naming it, before anything is sent.

        `max_total` is the most the buyer pays (default: the terms' `max_total`, i.e. the quoted total); a
        current total above it is refused before anything is sent. ERC-20: an existing allowance is used;
        else an EIP-2612 permit for exactly the total when the token supports it (no approve transaction,
        no allowance left behind); else approve the total, then place."""
        if quantity < 1:
            raise InputError("quantity must be at least 1")
        current = self.quote(product_id, hub_id, quantity)
        if terms is None:
            terms = current.terms
        elif (terms.product_id, terms.hub_id, terms.quantity) != (product_id, hub_id, quantity):
            raise InputError(f"the terms are for {terms.quantity} of product {terms.product_id} at hub {terms.hub_id}, "
                             f"not {quantity} of product {product_id} at hub {hub_id}")
        if max_lead_time_hours is not None:
            terms = terms.but(max_lead_time_hours=max_lead_time_hours)
        bound = terms.max_total if max_total is None else max_total
        if current.token != terms.token:  # amounts below would compare two tokens: let the escrow name it
            self.preflight_place_order(self.escrow.functions.placeOrder(terms.but(max_total=bound).as_tuple()),
                                       self.me, "place order")
            raise InputError(f"the offer is now in {current.token}, not the agreed {terms.token}: nothing sent")
        symbol, decimals = self.token_info(terms.token)
        if current.total > bound:
            raise InputError(f"the total is {format_units(current.total, decimals)} {symbol}, above the maximum "
                             f"{format_units(bound, decimals)} {symbol}: nothing sent")
        balance = self.balance(self.me, terms.token)
        if balance < current.total:
            raise InputError(f"balance {format_units(balance, decimals)} {symbol} is less than the total "
                             f"{format_units(current.total, decimals)} {symbol}: nothing sent")
        terms = terms.but(max_total=bound)
        call = self.escrow.functions.placeOrder(terms.as_tuple())
        token = self._contract("ERC20", terms.token)
        if terms.token == NATIVE_COIN:
            receipt = self._send(call, "place order", value=current.total)
        elif token.functions.allowance(self.me, self.escrow.address).call() >= current.total:
            receipt = self._send(call, "place order")
        elif self._supports_permit(terms.token) and self.sender is not None and self.sender.account is not None:
            # The permit is for exactly the total, and the terms bind the total to it (PermitValueNotTotal).
            exact = terms.but(max_total=current.total)
            deadline = int(self.w3.eth.get_block("latest")["timestamp"]) + PERMIT_VALIDITY_S
            v, r, s = sign_permit(token, self.sender.account, self.escrow.address, current.total, deadline)
            receipt = self._send(self.escrow.functions.placeOrderWithPermit(exact.as_tuple(), deadline, v, r, s),
                                 "place order with permit")
        else:
            self.preflight_place_order(call, self.me, "place order")  # a changed term: refused before approving
            self._send(token.functions.approve(self.escrow.address, current.total), "approve the escrow")
            receipt = self._send(call, "place order")
        return self.order(self._event(receipt, self.escrow, "OrderPlaced")["orderId"])

    def preflight_place_order(self, call: Any, buyer: str, action: str) -> None:
        """Runs a placeOrder call before it can be sent (its approve is not mined yet): raises what the escrow
        would refuse it for (a changed term, a pause, a disallowed token ...). The payment itself is not
        checked: the call runs without value, and the token's refusal of a missing allowance is ignored."""
        try:
            call.call({"from": buyer, "value": 0})
        except (ContractCustomError, ContractLogicError) as exc:
            revert = revert_from_exception(exc, action)
            if revert.error_name in self._escrow_errors() and revert.error_name not in PAYMENT_ERRORS:
                raise revert from exc

    def _escrow_errors(self) -> set[str]:
        return {item["name"] for item in self.escrow.abi if item["type"] == "error"}

    def _supports_permit(self, token: str) -> bool:
        contract = self._contract("ERC20", token)
        try:
            contract.functions.eip712Domain().call()  # EIP-5267: the domain sign_permit signs over
            contract.functions.nonces(self.me).call()
            return True
        except (ContractLogicError, ValueError):
            return False

    def order(self, order_id: int) -> Order:
        raw = list(call_view(self.escrow.functions.order(order_id), f"read order {order_id}"))
        raw[9] = OrderStatus(raw[9])
        return Order(*raw)

    def order_design_hash(self, order: Order) -> str:
        """The sha256 of the design version the order bought (not necessarily the product's current one)."""
        return self.design_hash_of(order.product_id, order.design_version)

    def orders(self, buyer: str | None = None, hub_id: int | None = None) -> list[Order]:
        """Orders placed by a buyer or at a hub, found through the OrderPlaced events."""
        filters: dict[str, Any] = {}
        if buyer is not None:
            filters["buyer"] = require_address(buyer, "buyer address")
        if hub_id is not None:
            filters["hubId"] = hub_id
        logs = self.escrow.events.OrderPlaced().get_logs(from_block=self.deployment.deploy_block,
                                                         argument_filters=filters)
        return [self.order(entry["args"]["orderId"]) for entry in logs]

    def order_history(self, order_id: int) -> list[dict[str, Any]]:
        """Every escrow event of an order, oldest first: name, block, transaction and arguments."""
        topic = "0x" + order_id.to_bytes(32, "big").hex()
        logs = self.w3.eth.get_logs({"address": self.escrow.address, "fromBlock": self.deployment.deploy_block,
                                     "toBlock": "latest", "topics": [None, topic]})
        decoder = LogDecoder([self.escrow.abi])
        history = []
        for entry in logs:
            decoded = decoder.decode(dict(entry))
            if decoded is None:
                continue
            name, args = decoded
            history.append({"event": name, "block": entry["blockNumber"],
                            "transaction": entry["transactionHash"].to_0x_hex(),
                            "args": {k: ("0x" + v.hex() if isinstance(v, bytes) else v) for k, v in args.items()}})
        return history

    def cancel(self, order_id: int) -> Order:
        return self._order_action(self.escrow.functions.cancelOrder(order_id), "cancel", order_id)

    def reject(self, order_id: int, reason: str) -> Order:
        return self._order_action(self.escrow.functions.rejectOrder(order_id, reason), "reject", order_id)

    def accept(self, order_id: int) -> Order:
        return self._order_action(self.escrow.functions.acceptOrder(order_id), "accept", order_id)

    def ship(self, order_id: int, tracking_number: str) -> Order:
        return self._order_action(self.escrow.functions.shipOrder(order_id, tracking_ref(tracking_number)), "ship",
                                  order_id)

    def claim_refund(self, order_id: int) -> Order:
        return self._order_action(self.escrow.functions.claimRefund(order_id), "claim a refund for", order_id)

    def confirm_delivery(self, order_id: int) -> Order:
        return self._order_action(self.escrow.functions.confirmDelivery(order_id), "confirm delivery of", order_id)

    def confirm_receipt(self, order_id: int) -> Order:
        return self._order_action(self.escrow.functions.confirmReceipt(order_id), "confirm receipt of", order_id)

    def finalize(self, order_id: int) -> Order:
        return self._order_action(self.escrow.functions.finalizeOrder(order_id), "finalize", order_id)

    def dispute(self, order_id: int, reason: str) -> Order:
        return self._order_action(self.escrow.functions.disputeOrder(order_id, reason), "dispute", order_id)

    def resolve(self, order_id: int, refund_bps: int) -> Order:
        return self._order_action(self.escrow.functions.resolveDispute(order_id, refund_bps), "resolve", order_id)

    def settle_expired_dispute(self, order_id: int) -> Order:
        return self._order_action(self.escrow.functions.settleExpiredDispute(order_id), "settle", order_id)

    def rate(self, order_id: int, rating: int) -> Order:
        if not 1 <= rating <= 5:
            raise InputError(f"a rating is 1 to 5, not {rating}")
        return self._order_action(self.escrow.functions.rateOrder(order_id, rating), "rate", order_id)

    def _order_action(self, call: Any, verb: str, order_id: int) -> Order:
        self._send(call, f"{verb} order {order_id}")
        return self.order(order_id)

    def owed(self, account: str, token: str) -> int:
        return int(self.escrow.functions.owed(require_address(account), token).call())

    def withdraw(self, token: str) -> int:
        amount = self.owed(self.me, token)
        self._send(self.escrow.functions.withdraw(token), "withdraw")
        return amount

    # ------------------------------------------------------------------ consortium administration
    def approve_escrow(self, token: str, amount: int) -> None:
        """Lets the escrow take up to `amount` of `token` from this wallet (for many orders in a row)."""
        self._send(self._contract("ERC20", token).functions.approve(self.escrow.address, amount), "approve the escrow")

    def approve_hub(self, hub_id: int) -> Hub:
        self._send(self.hubs.functions.approveHub(hub_id), f"approve hub {hub_id}")
        return self.hub(hub_id)

    def suspend_hub(self, hub_id: int, reason: str) -> Hub:
        self._send(self.hubs.functions.suspendHub(hub_id, reason), f"suspend hub {hub_id}")
        return self.hub(hub_id)

    def set_role(self, role: str, account: str, granted: bool) -> None:
        if role not in ROLE_ALIASES:
            raise InputError(f"unknown role {role!r}; roles: {', '.join(ROLE_ALIASES)}")
        contract_name, role_name = ROLE_ALIASES[role]
        contract = {"OrderEscrow": self.escrow, "HubRegistry": self.hubs}[contract_name]
        function = contract.functions.grantRole if granted else contract.functions.revokeRole
        self._send(function(ROLES[role_name], require_address(account)), f"{'grant' if granted else 'revoke'} {role}")

    def has_role(self, role: str, account: str) -> bool:
        contract_name, role_name = ROLE_ALIASES[role]
        contract = {"OrderEscrow": self.escrow, "HubRegistry": self.hubs}[contract_name]
        return bool(contract.functions.hasRole(ROLES[role_name], require_address(account)).call())

    def set_quorum(self, quorum: int) -> None:
        self._send(self.escrow.functions.setQuorum(quorum), "set quorum")

    def set_fee(self, fee_bps: int) -> None:
        self._send(self.escrow.functions.setFee(fee_bps), "set fee")

    def set_payment_token(self, token: str, allowed: bool, rating_fee_unit: int) -> None:
        """Allows or disallows a payment token; `rating_fee_unit` is the community fee (smallest units) that
        gives an order full reputation weight."""
        self._send(self.escrow.functions.setPaymentToken(token, allowed, rating_fee_unit), "set payment token")

    def payment_token(self, token: str) -> dict[str, Any]:
        """A token's place in the allowlist: index (0: never listed), allowed, rating fee unit."""
        index, allowed, unit = self.escrow.functions.paymentToken(token).call()
        return {"token": token, "index": index, "allowed": allowed, "rating_fee_unit": unit}

    def set_lead_time_cap(self, max_lead_time_hours: int) -> None:
        self._send(self.escrow.functions.setLeadTimeCap(max_lead_time_hours), "set lead-time cap")

    def pause(self) -> None:
        self._send(self.escrow.functions.pause(), "pause new orders")
        self._send(self.products.functions.pause(), "pause new offers")

    def unpause(self) -> None:
        self._send(self.escrow.functions.unpause(), "unpause new orders")
        self._send(self.products.functions.unpause(), "unpause new offers")

    def config(self) -> dict[str, Any]:
        fee, quorum, accept, dispute, arbitration, lead_time_cap = self.escrow.functions.config().call()
        return {"fee_bps": fee, "quorum": quorum, "accept_window_s": accept, "dispute_window_s": dispute,
                "arbitration_window_s": arbitration, "max_lead_time_hours": lead_time_cap,
                "community_fund": self.escrow.functions.communityFund().call(),
                "paused": self.escrow.functions.paused().call()}


def _hash32(value: str) -> bytes:
    raw = value.removeprefix("0x")
    if len(raw) != 64 or any(c not in "0123456789abcdefABCDEF" for c in raw):
        raise InputError(f"invalid design hash {value!r}: expected 32 bytes as 64 hex digits")
    return bytes.fromhex(raw)


def format_units(amount: int, decimals: int) -> str:
    """12500000 with 6 decimals -> '12.5'."""
    whole, frac = divmod(amount, 10**decimals)
    return f"{whole}.{str(frac).rjust(decimals, '0').rstrip('0') or '0'}" if decimals else str(whole)


def parse_units(text: str, decimals: int) -> int:
    """'12.5' with 6 decimals -> 12500000; refuses more decimals than the token has."""
    try:
        whole, _, frac = text.strip().partition(".")
        if len(frac) > decimals or not (whole or frac) or not (whole + frac).isdigit():
            raise ValueError
        scale: int = 10**decimals
        return int(whole or "0") * scale + int(frac.ljust(decimals, "0") or "0")
    except ValueError as exc:
        raise InputError(f"invalid amount {text!r} (at most {decimals} decimals)") from exc



