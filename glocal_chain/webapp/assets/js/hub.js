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

/** How long the page waits between two reads of the agent's printers (ms), and how long one read may take. */
const AGENT_REFRESH_MS = 4000;
const AGENT_TIMEOUT_MS = 5000;
/** The current watch of the agent: a new "Show printers" ends the one before. */
let agentWatch = 0;
/** @type {ReturnType<typeof setTimeout> | undefined} */
let agentTimer;

/** The agent's address as typed, without a trailing slash. @returns {string} */
const agentBase = () => /** @type {HTMLInputElement} */ (byId('agent-url')).value.trim().replace(/\/+$/, '');

/** The agent's /status document, read by this browser; null when it cannot be read from here. @param {string} base */
async function agentStatus(base) {
  try {
    const answer = await fetch(`${base}/status`, { mode: 'cors', credentials: 'omit', cache: 'no-store',
      signal: AbortSignal.timeout(AGENT_TIMEOUT_MS) });
    return answer.ok ? await answer.json() : null;
  } catch {
    return null;  // the policy refused it, the agent refused this site (CORS), it is down or out of reach
  }
}

/** The printers, what each prints, the jobs in progress and the queue. @param {any} status */
function printersView(status) {
  const jobs = status.jobs || [];
  const printers = (status.printers || []).map((/** @type {any} */ p) => {
    const mine = jobs.find((/** @type {any} */ j) => j.printer === p.name);
    const doing = p.job ? `${mine ? `order ${mine.order_id}, unit ${mine.unit}` : p.job}`
      + `${p.progress_pct != null ? ` (${Number(p.progress_pct).toFixed(0)} %)` : ''}` : 'no job';
    return el('li', { class: 'printer', 'data-printer': p.name }, `${p.name}: `,
      el('span', { class: 'printer-state', text: p.state }), ' · ', el('span', { class: 'printer-job', text: doing }));
  });
  const running = jobs.map((/** @type {any} */ j) => el('li', { class: 'agent-job', 'data-order-id': j.order_id,
    text: `Order ${j.order_id}, unit ${j.unit}: ${j.state} on ${j.printer || 'a printer'} (attempt ${j.attempt})` }));
  const queue = (status.queue || []).map((/** @type {any} */ j) => el('li', { class: 'queued-job', 'data-order-id': j.order_id,
    text: `Order ${j.order_id}, unit ${j.unit} (attempt ${j.attempt})` }));
  const none = (/** @type {string} */ text) => [el('li', { class: 'empty', text })];
  const problems = (status.problems || []).length ? [el('p', { class: 'note', text: `The agent reports: ${status.problems.join('; ')}.` })] : [];
  return [el('h3', { text: `Printers of hub ${status.hub_id}` }), el('ul', { id: 'agent-printers' }, ...(printers.length ? printers : none('None known yet.'))),
    el('h3', { text: 'Printing now' }), el('ul', { id: 'agent-jobs' }, ...(running.length ? running : none('Nothing.'))),
    el('h3', { text: 'Queue' }), el('ul', { id: 'agent-queue' }, ...(queue.length ? queue : none('Empty.'))), ...problems,
    el('p', { class: 'help', text: `Read from the agent at ${new Date().toLocaleTimeString()}, again every few seconds.` })];
}

/**
 * Reads the hub agent's /status from this browser (see docs/hub-agent.md, "The hub page's printers") and shows it;
 * when it cannot be read, says so once. @param {string} base @param {number} watch @returns {Promise<boolean>} whether it was read
 */
async function refreshPrinters(base, watch) {
  const status = await agentStatus(base);
  if (watch !== agentWatch) return false;  // the operator asked for another address meanwhile
  if (status) {
    fill(byId('printers'), printersView(status));
    return true;
  }
  fill(byId('printers'), [el('p', { class: 'note agent-unreachable', role: 'status', text: `The hub agent at ${base} cannot be `
    + 'read from this browser: you are not on the hub\u2019s network, the agent is not running, or it does not allow this site '
    + '(web_origins in hub.toml; agent_origins in the API\u2019s settings). Your orders and the chain data above are still live.' })]);
  return false;
}

/** Shows the agent's printers and keeps them current until a read fails or another address is asked for. */
async function showPrinters() {
  const base = agentBase();
  if (!base) throw new Error('Give the hub agent\u2019s address.');
  const watch = ++agentWatch;
  clearTimeout(agentTimer);
  const read = async () => {
    if (watch !== agentWatch) return;
    if (await refreshPrinters(base, watch)) {
      agentTimer = setTimeout(() => { read().catch(sayError); }, AGENT_REFRESH_MS);
    }
  };
  await read();
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
