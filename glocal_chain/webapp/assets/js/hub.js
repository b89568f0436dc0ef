/**
 * The hub operator's page (/hub): the operator's hubs, incoming orders live (accept, reject, ship by hand), the
 * hub agent's printers and queue, offers (publish, retire), earnings owed and the reputation with what moves it.
 * @module hub
 */

import { api, build, getNetwork } from './api.js';
import { followOrders } from './live.js';
import { syncOrders } from './orders.js';
import { showOwed, withdrawOwed } from './payouts.js';
import { onAccount, requireAccount, startSession } from './session.js';
import { amount, byId, el, fact, fill, formatDate, onClick, percent, productName, say, sayError } from './ui.js';
import { sendTransactions } from './wallet.js';

/** @type {(() => void) | null} */
let stopOrders = null;
/** @type {any[]} */
let products = [];

/** @returns {number | null} the chosen hub */
const hubId = () => Number(/** @type {HTMLSelectElement} */ (byId('hub-select')).value) || null;

/** Builds and sends one transaction, then says it is done. @param {string} action @param {object} fields @param {string} done */
async function act(action, fields, done) {
  const from = await requireAccount();
  const { transactions } = await build(action, { from, ...fields });
  await sendTransactions(transactions, say);
  say(done, 'ok');
}

/** An incoming order's row with what the operator can do by hand. @param {any} order */
function orderRow(order) {
  const id = order.order_id;
  const row = el('li', { class: 'order', 'data-order-id': id },
    el('h3', {}, `Order ${id}: product ${order.product_id} × ${order.quantity} `, el('span', { class: 'order-status', text: order.status })),
    el('dl', {}, fact('Deadline', formatDate(order.deadline)), fact('Pays', amount(order.amount_base_units, order)),
      fact('Design', `version ${order.design_version}`)));
  const tools = el('div', { class: 'actions' });
  const button = (/** @type {string} */ cls, /** @type {string} */ label, /** @type {() => Promise<void>} */ work) => {
    const node = el('button', { type: 'button', class: cls, text: label });
    onClick(node, work);
    return node;
  };
  if (order.status === 'paid') {
    const reason = /** @type {HTMLInputElement} */ (el('input', { id: `reject-reason-${id}`, class: 'reject-reason', type: 'text', maxlength: 200 }));
    tools.append(button('accept', 'Accept', () => act('accept-order', { order_id: id }, `Order ${id} accepted.`)),
      el('label', { for: `reject-reason-${id}`, text: 'Reason to reject (optional)' }), reason,
      button('reject', 'Reject', () => act('reject-order', { order_id: id, reason: reason.value.trim() || 'the hub cannot make it' },
        `Order ${id} rejected: the buyer is refunded.`)));
  }
  if (order.status === 'accepted') {
    const tracking = /** @type {HTMLInputElement} */ (el('input', { id: `tracking-${id}`, class: 'tracking', type: 'text', maxlength: 100 }));
    tools.append(el('label', { for: `tracking-${id}`, text: 'Tracking number' }), tracking,
      button('ship', 'Ship', async () => {
        if (!tracking.value.trim()) throw new Error('Give the tracking number before shipping.');
        await act('ship-order', { order_id: id, tracking: tracking.value.trim() }, `Order ${id} shipped.`);
      }));
  }
  row.append(tools);
  return row;
}

/** The hub's reputation and what moves it. @param {any} hub */
function showReputation(hub) {
  const r = hub.reputation;
  fill(byId('reputation'), [el('h3', { text: `Hub ${hub.hub_id} (${hub.status}, ${hub.geohash})` }),
    el('dl', {}, fact('Rating', `${(r.rating_centi_stars / 100).toFixed(2)} stars from ${r.raters} buyers`),
      fact('Reliability', percent(r.reliability_bps)), fact('Completed', `${r.completed} (${r.completed_late} late)`),
      fact('Refunded for the hub\u2019s fault', String(r.refunded_for_fault)),
      fact('Disputes lost or left to expire', String(r.disputes_lost + r.disputes_expired))),
    el('p', { class: 'help', text: 'What moves it: every order finished on time raises reliability, a late one counts '
      + 'less; a refund for the hub\u2019s fault or a lost dispute lowers it. Each buyer\u2019s latest rating counts once, '
      + 'weighted by the fee its order paid.' })]);
}

/** This hub's offers: each product's offers filtered to the hub. @param {number} hub */
async function showOffers(hub) {
  const details = await Promise.all(products.map((p) => api(`/v1/products/${p.product_id}`)));
  const offers = details.flatMap((p) => (p.offers || []).filter((/** @type {any} */ o) => o.hub_id === hub)
    .map((/** @type {any} */ o) => ({ ...o, product: p })));
  fill(byId('offers'), offers.length ? offers.map((offer) => {
    const retire = el('button', { type: 'button', class: 'withdraw-offer', text: 'Retire offer' });
    onClick(retire, async () => {
      await act('withdraw-offer', { product_id: offer.product_id, hub_id: hub }, `Offer for ${productName(offer.product)} retired.`);
      await showOffers(hub);
    });
    return el('li', { class: 'offer', 'data-product-id': offer.product_id },
      el('h3', { text: productName(offer.product) }),
      el('dl', {}, fact('Price', amount(offer.price_base_units, offer)), fact('Lead time', `${offer.lead_time_hours} h`)), retire);
  }) : [el('li', { class: 'empty', text: 'No offer published.' })]);
}

async function chooseHub() {
  const hub = hubId();
  if (stopOrders) stopOrders();
  if (!hub) return;
  showReputation(await api(`/v1/hubs/${hub}`));
  stopOrders = followOrders({ hub }, (orders) => syncOrders(byId('incoming'), orders, orderRow, undefined, 'No order yet.'),
    (live) => { byId('incoming-live').textContent = live ? 'Live: new orders appear here.' : 'Reconnecting…'; });
  await showOffers(hub);
}

/** @param {string} operator */
async function loadHubs(operator) {
  const hubs = await api(`/v1/hubs?operator=${operator}&limit=500`);
  fill(byId('hub-select'), hubs.length ? hubs.map((/** @type {any} */ h) => el('option', { value: h.hub_id, text: `Hub ${h.hub_id} (${h.status})` }))
    : [el('option', { value: '', text: 'This account operates no hub' })]);
  showOwed(byId('earnings'), operator).catch(sayError);
  await chooseHub();
}

async function loadForm() {
  const [network, list] = await Promise.all([getNetwork(), api('/v1/products?active=true&limit=500')]);
  products = list;
  fill(byId('offer-product'), list.map((/** @type {any} */ p) => el('option', { value: p.product_id, text: productName(p) })));
  const tokens = [...network.tokens].sort((a, b) => Number(b.permit) - Number(a.permit));  // tokens before the coin
  fill(byId('offer-token'), tokens.map((/** @type {any} */ t) => el('option', { value: t.address, text: t.symbol })));
}

async function publishOffer() {
  const hub = hubId();
  if (!hub) throw new Error('Choose your hub first.');
  const value = (/** @type {string} */ id) => /** @type {HTMLInputElement} */ (byId(id)).value.trim();
  await act('publish-offer', { product_id: Number(value('offer-product')), hub_id: hub, token: value('offer-token'),
    price_tokens: value('offer-price'), lead_time_hours: Number(value('offer-lead-time')) }, 'Offer published.');
  await showOffers(hub);
}

/** Reads the hub agent's /status (only possible when this page's policy allows that address). */
async function showPrinters() {
  const base = /** @type {HTMLInputElement} */ (byId('agent-url')).value.trim().replace(/\/+$/, '');
  if (!base) throw new Error('Give the hub agent\u2019s address.');
  let status;
  try {
    const answer = await fetch(`${base}/status`);
    status = await answer.json();
  } catch {
    fill(byId('printers'), [el('p', { class: 'note', text: `This page cannot read ${base}: the browser allows it to talk only to `
      + 'this site, or the agent is not reachable from here. Run “glocal agent status --config hub.toml” on the hub\u2019s machine.' })]);
    return;
  }
  const printers = (status.printers || []).map((/** @type {any} */ p) => el('li', {},
    `${p.name}: ${p.state}${p.job ? `, printing ${p.job}` : ''}${p.progress_pct != null ? ` (${p.progress_pct.toFixed(0)} %)` : ''}`));
  const queue = (status.queue || []).map((/** @type {any} */ j) => el('li', { text: `Order ${j.order_id}, unit ${j.unit}` }));
  fill(byId('printers'), [el('h3', { text: 'Printers' }), el('ul', {}, ...(printers.length ? printers : [el('li', { text: 'None known.' })])),
    el('h3', { text: 'Queue' }), el('ul', {}, ...(queue.length ? queue : [el('li', { text: 'Empty.' })]))]);
}

startSession();
loadForm().catch(sayError);
onAccount((operator) => { loadHubs(operator).catch(sayError); });
byId('hub-select').addEventListener('change', () => { chooseHub().catch(sayError); });
onClick(byId('publish-offer'), publishOffer);
byId('offer-form').addEventListener('submit', (event) => event.preventDefault());
onClick(byId('load-agent'), showPrinters);
byId('agent-form').addEventListener('submit', (event) => event.preventDefault());
onClick(byId('withdraw-earnings'), async () => withdrawOwed(byId('earnings'), await requireAccount()));
