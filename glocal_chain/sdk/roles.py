"""What a missing role means to the person who lacks it: which of the accounts they can sign with holds it
(their wallets; on a local chain also anvil's development accounts), and how it is granted."""

from __future__ import annotations

from dataclasses import dataclass

from web3.contract import Contract

from glocal_chain.chain.dev_accounts import DEV_ACCOUNT_COUNT, dev_account
from glocal_chain.chain.networks import LOCAL_CHAIN_ID
from glocal_chain.chain.reverts import DEFAULT_ADMIN_ROLE, ROLE_IDS, role_name
from glocal_chain.wallet.keystore import list_wallets

#: The commands that grant a role (signed by a governor, the holder of DEFAULT_ADMIN_ROLE).
ROLE_GRANTS = {"ORACLE_ROLE": "glocal admin add-oracle", "ARBITER_ROLE": "glocal admin add-arbiter",
               "HUB_APPROVER_ROLE": "glocal admin add-hub-approver --areas AREAS"}


@dataclass(frozen=True)
class SigningAccount:
    """An account the user can sign with: `label` names it, `use` says how to sign with it."""

    label: str
    address: str
    use: str
    wallet: str | None = None


def signing_accounts(chain_id: int) -> list[SigningAccount]:
    """The user's wallets, and on a local chain anvil's development accounts not imported as one."""
    accounts = [SigningAccount(f"wallet '{w.name}'", w.address, f"--wallet {w.name}", w.name) for w in list_wallets()]
    if chain_id == LOCAL_CHAIN_ID:
        imported = {account.address.lower() for account in accounts}
        for index in range(DEV_ACCOUNT_COUNT):
            address = dev_account(index).address
            if address.lower() not in imported:
                accounts.append(SigningAccount(f"anvil account {index}", address,
                                               f"`glocal wallet import NAME --anvil-account {index}`, then "
                                               "--wallet NAME"))
    return accounts


def holders(contract: Contract, role: bytes, accounts: list[SigningAccount]) -> list[SigningAccount]:
    return [account for account in accounts if contract.functions.hasRole(role, account.address).call()]


#: The roles a proposal grants or revokes, by their CLI name: (contracts, role).
PROPOSAL_ROLES: dict[str, tuple[tuple[str, ...], str]] = {
    "oracle": (("OrderEscrow",), "ORACLE_ROLE"),
    "arbiter": (("OrderEscrow",), "ARBITER_ROLE"),
    "pauser": (("OrderEscrow", "ProductRegistry"), "PAUSER_ROLE"),
    "hub-approver": (("HubRegistry",), "HUB_APPROVER_ROLE"),
}
#: The CLI name of each role a proposal grants (`glocal consortium propose grant-role NAME ...`), by the role.
PROPOSED_GRANTS = {role: name for name, (_, role) in PROPOSAL_ROLES.items()}


def missing_role_hint(contract: Contract, contract_name: str, role: bytes, account: str,
                      accounts: list[SigningAccount], consortium: bool = False) -> str:
    """One sentence for an AccessControlUnauthorizedAccount: who holds the role, who grants it and how
    (`consortium`: the deployment is governed by its member cities' proposals)."""
    name = role_name(role) or "0x" + role.hex()
    parts = [f"{account} lacks {name} on {contract_name}"]
    held = holders(contract, role, accounts)
    if held:
        parts.append(" or ".join(f"{h.label} holds it ({h.use})" for h in held))
    else:
        parts.append(f"none of your wallets holds {name}")
    if consortium:
        if name == DEFAULT_ADMIN_ROLE:
            parts.append("the consortium's timelock holds it: a member city proposes the change "
                         "(`glocal consortium propose --help`) and the members vote")
        elif name in PROPOSED_GRANTS:
            parts.append(f"the consortium grants it: `glocal consortium propose grant-role {PROPOSED_GRANTS[name]} "
                         f"{account} --wallet MEMBER`")
        return "; ".join(parts)
    if name == DEFAULT_ADMIN_ROLE:
        parts.append("the governor holds it (config/deploy/<network>.toml names it)")
        return "; ".join(parts)
    admins = [a for a in holders(contract, ROLE_IDS[DEFAULT_ADMIN_ROLE], accounts) if a.wallet is not None]
    signer = f"--wallet {admins[0].wallet}" if admins else "--wallet GOVERNOR"
    if name in ROLE_GRANTS:
        parts.append(f"a governor grants it: `{ROLE_GRANTS[name]} {account} {signer}`")
    else:
        parts.append(f"a governor ({DEFAULT_ADMIN_ROLE}) grants it with grantRole on {contract_name}")
    return "; ".join(parts)
