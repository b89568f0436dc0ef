"""The test wallet itself, on a blank page: the browser tests rely on it answering as MetaMask does."""

from __future__ import annotations

import json

from eth_account import Account
from eth_account.messages import encode_defunct, encode_typed_data

from glocal_chain.chain.anvil import EphemeralNode

from .market import address
from .wallet import BINDING, PROVIDER_SCRIPT, TestWallet

TYPED = {"types": {"EIP712Domain": [{"name": "name", "type": "string"}, {"name": "chainId", "type": "uint256"}],
                   "Mail": [{"name": "contents", "type": "string"}, {"name": "amount", "type": "uint256"}]},
         "primaryType": "Mail", "domain": {"name": "glocal", "chainId": "31337"},
         "message": {"contents": "hello", "amount": "1000000"}}


def _blank(browser, web_node: EphemeralNode, index: int):
    context = browser.new_context()
    wallet = TestWallet(web_node.url, address(index), web_node.chain_id)
    context.expose_binding(BINDING, wallet.answer)
    context.add_init_script(PROVIDER_SCRIPT)
    page = context.new_page()
    page.goto("about:blank")
    return context, page, wallet


def test_wallet_signs_as_its_account_if_asked_by_the_page(browser, web_node):
    context, page, wallet = _blank(browser, web_node, 8)
    try:
        accounts = page.evaluate("() => window.ethereum.request({method: 'eth_requestAccounts'})")
        assert accounts == [wallet.account]
        signature = page.evaluate(
            "([a, t]) => window.ethereum.request({method: 'eth_signTypedData_v4', params: [a, t]})",
            [wallet.account, json.dumps(TYPED)])
        assert Account.recover_message(encode_typed_data(full_message=TYPED), signature=signature) == wallet.account
        message = "0x" + b"glocal design upload".hex()
        signed = page.evaluate("([m, a]) => window.ethereum.request({method: 'personal_sign', params: [m, a]})",
                               [message, wallet.account])
        assert Account.recover_message(encode_defunct(b"glocal design upload"), signature=signed) == wallet.account
        announced = page.evaluate("""() => new Promise((resolve) => {
            window.addEventListener('eip6963:announceProvider', (e) => resolve(e.detail.info.rdns));
            window.dispatchEvent(new Event('eip6963:requestProvider'));
        })""")
        assert announced == "org.glocal.testwallet"
    finally:
        context.close()


def test_wallet_refuses_then_switches_chain_if_told_to(browser, web_node):
    context, page, wallet = _blank(browser, web_node, 9)
    try:
        wallet.refuse_next()
        code = page.evaluate("""(a) => window.ethereum.request({method: 'personal_sign', params: ['0x00', a]})
            .then(() => 0, (e) => e.code)""", wallet.account)
        assert code == 4001 and wallet.sent == []
        wallet.on_chain(1)
        assert page.evaluate("() => window.ethereum.request({method: 'eth_chainId'})") == "0x1"
        changed = page.evaluate("""() => new Promise((resolve) => {
            window.ethereum.on('chainChanged', resolve);
            window.ethereum.request({method: 'wallet_switchEthereumChain', params: [{chainId: '0x7a69'}]});
        })""")
        assert changed == "0x7a69"
        wallet.leave()
        assert page.evaluate("() => window.ethereum.request({method: 'eth_chainId'}).catch((e) => e.code)") == 4900
    finally:
        context.close()
