/**
 * The arbiter's page (/arbiter): each disputed order with both sides' history (what the buyer did, what the
 * hub did, what the oracles saw) and the split to resolve it with (the buyer's refund in basis points).
 * @module arbiter
 */

import { api, build } from './api.js';
import { requireAccount, startSession } from './session.js';
import { amount, byId, el, fact, fill, formatDate, onClick, say, sayError } from './ui.js';
import { sendTransactions } from './wallet.js';

const BUYER_EVENTS = ['OrderPlaced', 'OrderDisputed', 'OrderRated'];
const HUB_EVENTS = ['OrderAccepted', 'OrderShipped'];

/** An event as a line: its name and its arguments. @param {any} event */
const eventLine = (event) => el('li', {}, el('strong', { text: event.event }), ` (block ${event.block}): `,
  Object.entries(event.args).map(([name, value]) => `${name}=${value}`).join(', '));

/** @param {string} title @param {any[]} events */
const side = (title, events) => el('div', { class: 'side' }, el('h4', { text: title }),
  el('ul', {}, ...(events.length ? events.map(eventLine) : [el('li', { text: 'Nothing.' })])));

/** A disputed order's row. @param {any} order with its history */
function disputeRow(order) {
  const id = order.order_id;
  const history = order.history || [];
  const refund = /** @type {HTMLInputElement} */ (el('input', { id: `refund-bps-${id}`, class: 'refund-bps', type: 'number',
    min: 0, max: 10000, step: 1, value: 5000, 'aria-describedby': `refund-help-${id}` }));
  const resolve = el('button', { type: 'button', class: 'resolve', text: 'Resolve' });
  onClick(resolve, async () => {
    const from = await requireAccount();
    const bps = Number(refund.value);
    if (!Number.isInteger(bps) || bps < 0 || bps > 10000) throw new Error('The refund is 0 to 10000 basis points.');
    const { transactions } = await build('resolve-dispute', { from, order_id: id, refund_bps: bps });
    await sendTransactions(transactions, say);
    say(`Dispute over order ${id} resolved: ${bps / 100} % back to the buyer.`, 'ok');
    await loadDisputes();
  });
  return el('li', { class: 'order', 'data-order-id': id },
    el('h3', { text: `Order ${id}: product ${order.product_id} from hub ${order.hub_id}` }),
    el('dl', {}, fact('Paid', amount(order.amount_base_units, order)), fact('Decide by', formatDate(order.deadline)),
      fact('Buyer', order.buyer)),
    el('div', { class: 'sides' }, side('The buyer', history.filter((e) => BUYER_EVENTS.includes(e.event))),
      side('The hub', history.filter((e) => HUB_EVENTS.includes(e.event))),
      side('Others (oracles, payouts)', history.filter((e) => ![...BUYER_EVENTS, ...HUB_EVENTS].includes(e.event)))),
    el('div', { class: 'actions' }, el('label', { for: `refund-bps-${id}`, text: 'Refund to the buyer (basis points)' }), refund,
      el('p', { id: `refund-help-${id}`, class: 'help', text: '10000 refunds everything, 0 pays the hub everything.' }), resolve));
}

async function loadDisputes() {
  const disputed = await api('/v1/orders?status=disputed&limit=100');
  const detailed = await Promise.all(disputed.map((/** @type {any} */ o) => api(`/v1/orders/${o.order_id}`)));
  fill(byId('disputes'), detailed.length ? detailed.map(disputeRow) : [el('li', { class: 'empty', text: 'No open dispute.' })]);
}

startSession();
loadDisputes().catch(sayError);
onClick(byId('refresh-disputes'), loadDisputes);
