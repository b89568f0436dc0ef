/**
 * The browser wallet (EIP-1193, found as window.ethereum or announced by EIP-6963): connect, check the chain
 * against the API's network and switch or add it, send the API's unsigned transactions one by one (waiting for
 * each receipt), and sign typed data (EIP-712) or a text (EIP-191). Only the wallet talks to the chain.
 * @module wallet
 */

import { getNetwork, waitForIndexed } from './api.js';

/** What a refused signature or transaction (EIP-1193 error 4001) tells the person. */
export const DECLINED = 'You declined the signature; nothing was sent.';
const RECEIPT_POLL_MS = 500;
const RECEIPT_TIMEOUT_MS = 180_000;

/** A wallet failure with a sentence for the page. */
export class WalletError extends Error {
  /** @param {string} message @param {number | string} [code] */
  constructor(message, code) {
    super(message);
    this.name = 'WalletError';
    this.code = code;
  }
}

/** @type {any[]} providers announced by EIP-6963 */
const announced = [];
window.addEventListener('eip6963:announceProvider', (event) => {
  const detail = /** @type {CustomEvent} */ (event).detail;
  if (detail && detail.provider) announced.push(detail.provider);
});
window.dispatchEvent(new Event('eip6963:requestProvider'));

/** @returns {any} the EIP-1193 provider: one announced by EIP-6963, else window.ethereum, else null */
export function provider() {
  return announced[0] || /** @type {any} */ (window).ethereum || null;
}

/** @param {any} error @returns {number | string | undefined} the EIP-1193 / JSON-RPC code, however nested */
const codeOf = (error) => (error && (error.code ?? (error.data && error.data.code) ?? (error.error && error.error.code)));

/**
 * Asks the wallet; its failures become WalletErrors with one clear sentence.
 * @param {string} method
 * @param {any[]} [params]
 * @returns {Promise<any>}
 */
export async function request(method, params = []) {
  const wallet = provider();
  if (!wallet) throw new WalletError('No browser wallet found: install MetaMask or another Ethereum wallet.', 'none');
  try {
    return await wallet.request({ method, params });
  } catch (error) {
    const code = codeOf(error);
    if (code === 4001) throw new WalletError(DECLINED, 4001);
    const text = String((error && error.message) || error);
    if (/insufficient funds/i.test(text)) {
      throw new WalletError(`Not enough ETH to pay for gas: ${text}`, code);
    }
    throw new WalletError(`The wallet refused ${method}: ${text}`, code);
  }
}

/** @param {string} a @param {string} b whether two chain ids (hex or decimal) are the same */
const sameChain = (a, b) => BigInt(a) === BigInt(b);

/**
 * The connected account (asks the wallet to connect) and whether it is on the API's chain.
 * @returns {Promise<{account: string, chainId: string, onChain: boolean, network: any}>}
 */
export async function connect() {
  const accounts = await request('eth_requestAccounts');
  if (!accounts || !accounts.length) throw new WalletError('The wallet shared no account.');
  return { account: accounts[0], ...(await checkChain()) };
}

/** @returns {Promise<{chainId: string, onChain: boolean, network: any}>} the wallet's chain against the API's */
export async function checkChain() {
  const [network, chainId] = await Promise.all([getNetwork(), request('eth_chainId')]);
  return { network, chainId, onChain: sameChain(chainId, network.chain_id_hex) };
}

/** @param {any} network @returns {string} what the person must do */
export const wrongNetwork = (network) => `Wrong network: switch to ${network.name} (chain ${network.chain_id}).`;

/** Throws unless the wallet is on the API's chain (before anything is signed). */
export async function requireChain() {
  const { network, onChain } = await checkChain();
  if (!onChain) throw new WalletError(wrongNetwork(network), 'wrong_chain');
}

/** Asks the wallet to switch to the API's chain, adding it first when the wallet does not know it (4902). */
export async function switchNetwork() {
  const network = await getNetwork();
  try {
    await request('wallet_switchEthereumChain', [{ chainId: network.chain_id_hex }]);
  } catch (error) {
    if (/** @type {WalletError} */ (error).code !== 4902) throw error;
    await request('wallet_addEthereumChain', [{
      chainId: network.chain_id_hex, chainName: network.name, rpcUrls: network.rpc_urls,
      nativeCurrency: network.native_currency,
    }]);
  }
}

/** @param {number} ms */
const sleep = (ms) => new Promise((resolve) => { setTimeout(resolve, ms); });

/**
 * Waits for a transaction's receipt (polling the wallet); a reverted one is an error naming it.
 * @param {string} hash
 * @param {string} description what the transaction does
 * @returns {Promise<any>} the receipt
 */
export async function waitForReceipt(hash, description) {
  const until = Date.now() + RECEIPT_TIMEOUT_MS;
  while (Date.now() < until) {
    const receipt = await request('eth_getTransactionReceipt', [hash]);
    if (receipt) {
      if (BigInt(receipt.status) !== 1n) throw new WalletError(`The chain reverted the transaction to ${description} (${hash}).`);
      return receipt;
    }
    await sleep(RECEIPT_POLL_MS);
  }
  throw new WalletError(`No receipt yet for ${description} (${hash}): look it up in your wallet before trying again.`);
}

/** The fee fields the API set (the network's policy: gas price 0 on a free-gas consortium chain). */
const FEE_FIELDS = ['gasPrice', 'maxFeePerGas', 'maxPriorityFeePerGas'];

/**
 * What the wallet is asked to send: the API's call, gas limit and fees (so that a wallet does not put its own
 * fees on a chain where gas is free); the nonce is the wallet's.
 * @param {any} tx
 */
function sendable(tx) {
  /** @type {Record<string, string>} */
  const sent = { from: tx.from, to: tx.to, data: tx.data, value: tx.value || '0x0', gas: tx.gas };
  for (const field of FEE_FIELDS) if (tx[field] !== undefined) sent[field] = tx[field];
  return sent;
}

/**
 * Sends the API's unsigned transactions in order, each after the previous one's receipt.
 * A refusal stops the rest (and says what was already sent); nothing is retried. Returns once the API has
 * indexed the last one's block, so that the page's next read shows it.
 * @param {any[]} transactions each with description, from, to, data, value, gas
 * @param {(text: string) => void} [progress] told before each one
 * @returns {Promise<string[]>} the transaction hashes
 */
export async function sendTransactions(transactions, progress = () => {}) {
  await requireChain();
  const hashes = [];
  /** @type {any} */
  let last = null;
  for (const [index, tx] of transactions.entries()) {
    progress(`Confirm in your wallet (${index + 1} of ${transactions.length}): ${tx.description}`);
    let hash;
    try {
      hash = await request('eth_sendTransaction', [sendable(tx)]);
    } catch (error) {
      if (index > 0 && /** @type {WalletError} */ (error).code === 4001) {
        throw new WalletError(`You declined the signature; ${index} of ${transactions.length} transactions had been `
          + 'sent, nothing after them.', 4001);
      }
      throw error;
    }
    progress(`Waiting for the chain (${index + 1} of ${transactions.length}): ${tx.description}`);
    last = await waitForReceipt(hash, tx.description);
    hashes.push(hash);
  }
  if (last) {
    progress('Waiting for the market to show it');
    await waitForIndexed(Number(BigInt(last.blockNumber)));
  }
  return hashes;
}

/**
 * Signs EIP-712 typed data (eth_signTypedData_v4).
 * @param {string} account
 * @param {object} typedData {types, primaryType, domain, message}
 * @returns {Promise<string>} the 65-byte signature, 0x-hex
 */
export async function signTypedData(account, typedData) {
  await requireChain();
  return request('eth_signTypedData_v4', [account, JSON.stringify(typedData)]);
}

/**
 * Signs a text (EIP-191 personal_sign; the text is sent hex-encoded as UTF-8).
 * @param {string} account
 * @param {string} text
 * @returns {Promise<string>} the signature, 0x-hex
 */
export function personalSign(account, text) {
  const hex = Array.from(new TextEncoder().encode(text), (b) => b.toString(16).padStart(2, '0')).join('');
  return request('personal_sign', [`0x${hex}`, account]);
}

/**
 * Calls `handler` when the wallet's account or chain changes.
 * @param {() => void} handler
 */
export function onWalletChange(handler) {
  const wallet = provider();
  if (wallet && wallet.on) {
    wallet.on('accountsChanged', handler);
    wallet.on('chainChanged', handler);
  }
}
