/**
 * Money the escrow owes an account (refunds, earnings, royalties: GET /v1/accounts/{address}/owed) and its
 * withdrawal, one `withdraw(token)` per token with something owed.
 * @module payouts
 */

import { api, build } from './api.js';
import { amount, el, fill, say } from './ui.js';
import { sendTransactions } from './wallet.js';

/**
 * Shows what is owed to `account` in `list`.
 * @param {HTMLElement} list
 * @param {string} account
 * @returns {Promise<any[]>} the tokens with something owed
 */
export async function showOwed(list, account) {
  const owed = (await api(`/v1/accounts/${account}/owed`)).filter((/** @type {any} */ o) => BigInt(o.owed_base_units) > 0n);
  fill(list, owed.length ? owed.map((o) => el('li', { text: amount(o.owed_base_units, o) }))
    : [el('li', { class: 'empty', text: 'Nothing owed.' })]);
  return owed;
}

/**
 * Withdraws everything owed to `account`, token by token, then shows what is left.
 * @param {HTMLElement} list
 * @param {string} account
 */
export async function withdrawOwed(list, account) {
  const owed = await showOwed(list, account);
  if (!owed.length) { say('Nothing to withdraw.'); return; }
  for (const token of owed) {
    const { transactions } = await build('withdraw', { from: account, token: token.token });
    await sendTransactions(transactions, say);
  }
  await showOwed(list, account);
  say(`Withdrawn: ${owed.map((o) => amount(o.owed_base_units, o)).join(', ')}.`, 'ok');
}
