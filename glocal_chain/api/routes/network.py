"""/v1/network and /v1/accounts/{address}/owed: the chain and suite a page's wallet must be on, and what the escrow
owes an account (what `withdraw` pays)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Path
from web3.exceptions import BadFunctionCallOutput, ContractLogicError

from glocal_chain.api.action_schemas import Network, Owed
from glocal_chain.api.deps import ApiServices, address, services
from glocal_chain.api.schemas import ADDRESS
from glocal_chain.sdk.models import NATIVE_COIN
from glocal_chain.web import error_responses

router = APIRouter(prefix="/v1", tags=["network"])
NATIVE_CURRENCY = {"name": "Ether", "symbol": "ETH", "decimals": 18}


def _takes_permits(api: ApiServices, token: str) -> bool:
    if token == NATIVE_COIN:
        return False
    try:
        api.transactions.suite.erc20(token).functions.eip712Domain().call()
    except (ContractLogicError, BadFunctionCallOutput, ValueError):
        return False
    return True


@router.get("/network", response_model=Network, responses=error_responses(503))
def network(api: ApiServices = Depends(services)) -> dict[str, object]:
    """The chain (id, RPC URLs, native currency: what wallet_addEthereumChain takes), the suite's contracts and
    the payment tokens (decimals, whether each takes EIP-2612 permits)."""
    deployment = api.transactions.suite.deployment
    tokens = [{"symbol": symbol, "address": token, "decimals": api.units.info(token)[1],
               "permit": _takes_permits(api, token)} for symbol, token in deployment.payment_tokens.items()]
    return {"name": api.network.name, "chain_id": api.network.chain_id, "chain_id_hex": hex(api.network.chain_id),
            "rpc_urls": api.network.rpc_urls, "native_currency": NATIVE_CURRENCY,
            "contracts": {name: record.address for name, record in deployment.contracts.items()}, "tokens": tokens}


@router.get("/accounts/{account}/owed", response_model=list[Owed], responses=error_responses(422, 503))
def owed(account: str = Path(pattern=ADDRESS, description="Any letter case"),
         api: ApiServices = Depends(services)) -> list[dict[str, object]]:
    """For each payment token, what the escrow owes the account (earnings, royalties, refunds, community fees):
    what POST /v1/transactions/withdraw would pay it."""
    checked = address(account, "account")
    suite = api.transactions.suite
    return [{"token": token, **api.units.of(token), "owed_base_units": suite.owed(checked, token)}
            for token in suite.deployment.payment_tokens.values()]
