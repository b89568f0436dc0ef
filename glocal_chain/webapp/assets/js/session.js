/**
 * The header every page shares: #connect-wallet, #account, #network-status and #switch-network, and the
 * connected account the page's actions sign with (`requireAccount`).
 * @module session
 */

import { getNetwork } from './api.js';
import { shortAddress } from './address.js';
import { byId, onClick, say, sayError } from './ui.js';
import { connect, onWalletChange, provider, switchNetwork, wrongNetwork } from './wallet.js';

/** @type {string | null} */
let current = null;
/** @type {((account: string) => void)[]} */
const listeners = [];

/** @returns {string | null} the connected account, if any */
export const account = () => current;

/** Calls `handler` with the account each time one connects (or changes). @param {(account: string) => void} handler */
export function onAccount(handler) {
  listeners.push(handler);
  if (current) handler(current);
}

function showChain(/** @type {{network: any, onChain: boolean}} */ state) {
  const { network, onChain } = state;
  byId('network-status').textContent = onChain ? `${network.name} (chain ${network.chain_id})`
    : wrongNetwork(network);
  byId('switch-network').hidden = onChain;
  if (!onChain) say(wrongNetwork(network), 'error');
}

/** Connects the wallet (or re-reads it after a change) and tells the listeners. */
async function connectWallet() {
  const state = await connect();
  showChain(state);
  const changed = current !== state.account;
  current = state.account;
  byId('account').textContent = current;
  byId('account').title = current;
  byId('connect-wallet').textContent = `Connected ${shortAddress(current)}`;
  if (changed) listeners.forEach((handler) => handler(/** @type {string} */ (current)));
  if (state.onChain) say('Wallet connected.', 'ok');
}

/** The connected account, connecting first when none is; throws (with the message) if it cannot. */
export async function requireAccount() {
  if (!current) await connectWallet();
  return /** @type {string} */ (current);
}

/** Wires the header. Call once per page. */
export function startSession() {
  getNetwork().then((network) => {
    byId('network-status').textContent = `${network.name} (chain ${network.chain_id})`;
  }, (error) => {
    byId('network-status').textContent = 'API unreachable';
    sayError(error);
  });
  onClick(byId('connect-wallet'), connectWallet);
  onClick(byId('switch-network'), async () => {
    await switchNetwork();
    await connectWallet();
  });
  if (!provider()) byId('connect-wallet').title = 'No browser wallet found';
  onWalletChange(() => { if (current) connectWallet().catch(sayError); });
}
