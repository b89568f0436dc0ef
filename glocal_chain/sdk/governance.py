"""Consortium administration: hub approval, roles, quorum, fee, payment tokens, lead-time cap, pause."""

from __future__ import annotations

from typing import Any

from web3.contract import Contract

from glocal_chain.deploy.deployer import ROLES
from glocal_chain.geo import to_bytes12
from glocal_chain.sdk.catalogue import Catalogue
from glocal_chain.sdk.connection import SuiteConnection
from glocal_chain.sdk.inputs import InputError, require_address
from glocal_chain.sdk.models import Hub

ROLE_ALIASES = {"oracle": ("OrderEscrow", "ORACLE_ROLE"), "arbiter": ("OrderEscrow", "ARBITER_ROLE"),
                "hub-approver": ("HubRegistry", "HUB_APPROVER_ROLE")}


class Governance:
    def __init__(self, connection: SuiteConnection, catalogue: Catalogue) -> None:
        self.connection = connection
        self.catalogue = catalogue
        self.escrow = connection.escrow

    def approve_hub(self, hub_id: int) -> Hub:
        self.connection.send(self.connection.hubs.functions.approveHub(hub_id), f"approve hub {hub_id}")
        return self.catalogue.hub(hub_id)

    def suspend_hub(self, hub_id: int, reason: str) -> Hub:
        self.connection.send(self.connection.hubs.functions.suspendHub(hub_id, reason), f"suspend hub {hub_id}")
        return self.catalogue.hub(hub_id)

    def set_role(self, role: str, account: str, granted: bool) -> None:
        if role not in ROLE_ALIASES:
            raise InputError(f"unknown role {role!r}; roles: {', '.join(ROLE_ALIASES)}")
        contract, role_id = self._role(role)
        function = contract.functions.grantRole if granted else contract.functions.revokeRole
        self.connection.send(function(role_id, require_address(account)),
                             f"{'grant' if granted else 'revoke'} {role}")

    def set_hub_approver_areas(self, account: str, areas: list[str]) -> None:
        """Where a hub approver approves and suspends hubs (geohash prefixes; none: nowhere)."""
        self.connection.send(self.connection.hubs.functions.setHubApproverAreas(
            require_address(account), [to_bytes12(area) for area in areas]), "set hub approver areas")

    def has_role(self, role: str, account: str) -> bool:
        contract, role_id = self._role(role)
        return bool(contract.functions.hasRole(role_id, require_address(account)).call())

    def _role(self, role: str) -> tuple[Contract, bytes]:
        contract_name, role_name = ROLE_ALIASES[role]
        contract = {"OrderEscrow": self.escrow, "HubRegistry": self.connection.hubs}[contract_name]
        return contract, ROLES[role_name]

    def set_quorum(self, quorum: int) -> None:
        self.connection.send(self.escrow.functions.setQuorum(quorum), "set quorum")

    def set_fee(self, fee_bps: int) -> None:
        self.connection.send(self.escrow.functions.setFee(fee_bps), "set fee")

    def set_payment_token(self, token: str, allowed: bool, rating_fee_unit: int) -> None:
        """Allows or disallows a payment token; `rating_fee_unit` is the community fee (smallest units) that
        gives an order full reputation weight."""
        self.connection.send(self.escrow.functions.setPaymentToken(token, allowed, rating_fee_unit),
                             "set payment token")

    def payment_token(self, token: str) -> dict[str, Any]:
        """A token's place in the allowlist: index (0: never listed), allowed, rating fee unit."""
        index, allowed, unit = self.escrow.functions.paymentToken(token).call()
        return {"token": token, "index": index, "allowed": allowed, "rating_fee_unit": unit}

    def set_lead_time_cap(self, max_lead_time_hours: int) -> None:
        self.connection.send(self.escrow.functions.setLeadTimeCap(max_lead_time_hours), "set lead-time cap")

    def pause(self) -> None:
        self.connection.send(self.escrow.functions.pause(), "pause new orders")
        self.connection.send(self.connection.products.functions.pause(), "pause new offers")

    def unpause(self) -> None:
        self.connection.send(self.escrow.functions.unpause(), "unpause new orders")
        self.connection.send(self.connection.products.functions.unpause(), "unpause new offers")

    def config(self) -> dict[str, Any]:
        fee, quorum, accept, dispute, arbitration, lead_time_cap = self.escrow.functions.config().call()
        return {"fee_bps": fee, "quorum": quorum, "accept_window_s": accept, "dispute_window_s": dispute,
                "arbitration_window_s": arbitration, "max_lead_time_hours": lead_time_cap,
                "community_fund": self.escrow.functions.communityFund().call(),
                "paused": self.escrow.functions.paused().call()}
