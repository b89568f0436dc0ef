/**
 * The buyer's page (/): the catalogue with each part's toolpath, hubs near a place (list and plot), placing an
 * escrowed order (EIP-2612 permit when the token has it, else approve + place; native coin as value), the
 * buyer's orders live from the stream (confirm, dispute, rate, cancel, refund) and refunds owed.
 * @module buyer
 */

import { api, build, getNetwork } from './api.js';
import { shortAddress } from './address.js';
import { decode, distanceAndBearing, encode } from './geohash.js';
import { followOrders } from './live.js';
import { syncOrders } from './orders.js';
import { showOwed, withdrawOwed } from './payouts.js';
import { onAccount, requireAccount, startSession } from './session.js';
import { toolpathSvg } from './toolpath.js';
import { amount, byId, el, fact, fill, formatDate, onClick, percent, productName, say, sayError } from './ui.js';
import { sendTransactions, signTypedData } from './wallet.js';

const SVG = 'http://www.w3.org/2000/svg';
/** @type {Map<number, any>} products by id */
const products = new Map();
/** @type {{hub: any, product: any} | null} the offer the order panel shows */
let chosen = null;
/** @type {(() => void) | null} */
let stopOrders = null;

/** A product's card, its toolpath drawn once the design file arrives. @param {any} product */
function productCard(product) {
  const name = productName(product);
  const picture = el('div', { class: 'picture' }, el('p', { text: 'Loading the toolpath…' }));
  api(`/v1/designs/${product.design_hash}`, { text: true }).then(
    (gcode) => fill(picture, [toolpathSvg(gcode, `Toolpath of ${name}`)]),
    () => fill(picture, [el('p', { text: 'The design file is not in the store.' })]),
  );
  return el('li', { class: 'product', 'data-product-id': product.product_id }, picture,
    el('h3', { text: name }),
    el('dl', {}, fact('Designer', el('span', { title: product.designer, text: shortAddress(product.designer) })),
      fact('Royalty', percent(product.royalty_bps)), fact('Version', String(product.version))));
}

async function loadCatalogue() {
  const catalogue = byId('catalogue');
  const list = await api('/v1/products?active=true&limit=100');
  list.forEach((/** @type {any} */ product) => products.set(product.product_id, product));
  fill(catalogue, list.length ? list.map(productCard) : [el('li', { class: 'empty', text: 'No product yet.' })]);
  catalogue.removeAttribute('aria-busy');
  fill(byId('product-select'), list.map((/** @type {any} */ p) => el('option', { value: p.product_id, text: productName(p) })));
}

/** Why a hub ranks where it does, in a sentence. @param {any} hub @param {number} index @param {any[]} hubs */
function why(hub, index, hubs) {
  const ring = `shares ${hub.shared_geohash_prefix} geohash characters with your place`;
  if (index === 0) return `Nearest ring: it ${ring}, so it ranks first; then reputation and price decide.`;
  const before = hubs[index - 1];
  if (before.shared_geohash_prefix > hub.shared_geohash_prefix) return `Farther out: it ${ring}, fewer than the hubs above.`;
  return `Same ring as the hub above (${ring}); ranked after it by distance, reputation, then price.`;
}

/** @param {any} reputation @returns {string} */
const reputationText = (reputation) => (reputation.raters || reputation.completed
  ? `${(reputation.rating_centi_stars / 100).toFixed(1)} stars from ${reputation.raters} buyers, `
    + `${percent(reputation.reliability_bps)} reliable over ${reputation.completed} orders` : 'new hub, no orders yet');

/** Draws the hubs around the buyer: bearing as the angle, distance (square-root scale) as the radius. */
function plotHubs(/** @type {string} */ geohash, /** @type {any[]} */ hubs) {
  const plot = byId('hub-plot');
  const title = plot.querySelector('title');
  const home = decode(geohash);
  const placed = hubs.map((hub) => ({ hub, ...distanceAndBearing(home, decode(hub.geohash)) }));
  const farthest = Math.sqrt(Math.max(1, ...placed.map((p) => p.km)));
  const shape = (/** @type {string} */ tag, /** @type {Record<string, any>} */ attributes, text = '') => {
    const node = document.createElementNS(SVG, tag);
    for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
    if (text) node.textContent = text;
    return node;
  };
  const nodes = [shape('circle', { cx: 0, cy: 0, r: 100, class: 'ring' }), shape('circle', { cx: 0, cy: 0, r: 50, class: 'ring' }),
    shape('circle', { cx: 0, cy: 0, r: 4, class: 'you' }), shape('text', { x: 6, y: -6, class: 'label' }, 'you')];
  for (const { hub, km, bearing } of placed) {
    const r = (Math.sqrt(km) / farthest) * 90;
    const [x, y] = [r * Math.sin(bearing * Math.PI / 180), -r * Math.cos(bearing * Math.PI / 180)];
    const dot = shape('circle', { cx: x.toFixed(1), cy: y.toFixed(1), r: 4, class: 'hub-dot' });
    dot.append(shape('title', {}, `Hub ${hub.hub_id}: ${km.toFixed(1)} km`));
    nodes.push(dot, shape('text', { x: (x + 6).toFixed(1), y: (y + 4).toFixed(1), class: 'label' }, `#${hub.hub_id}`));
  }
  plot.replaceChildren(...(title ? [title] : []), ...nodes);
  plot.removeAttribute('hidden');
}

/** @param {any} hub @param {number} index @param {any[]} hubs */
function hubRow(hub, index, hubs) {
  const offer = hub.offer;
  const button = el('button', { type: 'button', class: 'order-button', text: `Order from hub ${hub.hub_id}` });
  button.addEventListener('click', () => showOrderPanel(hub));
  return el('li', { class: 'hub', 'data-hub-id': hub.hub_id },
    el('h3', { text: `Hub ${hub.hub_id}` }),
    el('dl', {}, fact('Distance', `${hub.distance_km.toFixed(1)} km`), fact('Price', amount(offer.price_base_units, offer)),
      fact('Lead time', `${offer.lead_time_hours} h`), fact('Reputation', reputationText(hub.reputation))),
    el('p', { class: 'why', text: why(hub, index, hubs) }), button);
}

async function findHubs() {
  const geohash = /** @type {HTMLInputElement} */ (byId('geohash')).value.trim().toLowerCase();
  const product = /** @type {HTMLSelectElement} */ (byId('product-select')).value;
  if (!geohash || !product) throw new Error('Give your place (a geohash) and choose a product.');
  const near = await api(`/v1/hubs/near?${new URLSearchParams({ geohash, product })}`);
  const hubs = near.hubs;
  fill(byId('hubs'), hubs.length ? hubs.map(hubRow) : [el('li', { class: 'empty', text: 'No approved hub offers this product.' })]);
  byId('near-summary').textContent = near.widened
    ? `No hub within ${near.radius_km} km could make it: the search widened to ${near.searched_radius_km} km. `
      + 'Nearest first, then reputation, then price.'
    : `${hubs.length} hubs within ${near.searched_radius_km} km: nearest first, then reputation, then price.`;
  plotHubs(geohash, hubs);
  say(`${hubs.length} hubs found.`, 'ok');
}

/** Opens the order panel on a hub's offer. @param {any} hub */
function showOrderPanel(hub) {
  const product = products.get(hub.offer.product_id);
  chosen = { hub, product };
  const panel = byId('order-panel');
  fill(byId('order-details'), [fact('Product', productName(product)), fact('Hub', `Hub ${hub.hub_id}`),
    fact('Price each', amount(hub.offer.price_base_units, hub.offer)), fact('Lead time', `${hub.offer.lead_time_hours} h`),
    fact('Royalty to the designer', percent(product.royalty_bps))]);
  byId('quote').textContent = 'The total (royalty included) is quoted when you place the order.';
  panel.hidden = false;
  byId('place-order').focus();
}

/** Places the chosen order: permit when the token supports it, else approve + place (or the native coin). */
async function placeOrder() {
  if (!chosen) throw new Error('Choose a hub first.');
  const buyer = await requireAccount();
  const { hub } = chosen;
  const quantity = Number(/** @type {HTMLInputElement} */ (byId('quantity')).value || 1);
  const fields = { buyer, product_id: hub.offer.product_id, hub_id: hub.hub_id, quantity, token: hub.offer.token,
    max_lead_time_hours: hub.offer.lead_time_hours };
  const network = await getNetwork();
  const token = network.tokens.find((/** @type {any} */ t) => t.address.toLowerCase() === hub.offer.token.toLowerCase());
  let transactions;
  if (token && token.permit) {
    say('Asking the API for the permit to sign…');
    const permit = await api('/v1/transactions/place-order/permit', { json: fields });
    showQuote(permit.quote);
    say('Sign the permit in your wallet (it lets the escrow take exactly the total).');
    const signature = await signTypedData(buyer, permit.typed_data);
    ({ transactions } = await build('place-order-with-permit', { buyer, terms: permit.terms, deadline: permit.deadline, signature }));
  } else {
    const built = await build('place-order', fields);
    showQuote(built.quote);
    transactions = built.transactions;
  }
  await sendTransactions(transactions, say);
  say('Order placed: it appears under Your orders and updates live.', 'ok');
}

/** @param {any} quote */
function showQuote(quote) {
  byId('quote').textContent = `Total: ${amount(quote.total_base_units, quote)} (of which ${amount(quote.royalty_base_units, quote)}`
    + ` royalty), made in at most ${quote.lead_time_hours} h.`;
}

/** A buyer's order row with the actions its state allows. @param {any} order */
function orderRow(order) {
  const product = products.get(order.product_id);
  const row = el('li', { class: 'order', 'data-order-id': order.order_id },
    el('h3', {}, `Order ${order.order_id}: `, product ? productName(product) : `product ${order.product_id}`,
      ' ', el('span', { class: 'order-status', text: order.status })),
    el('dl', {}, fact('Hub', `Hub ${order.hub_id}`), fact('Paid', amount(order.amount_base_units, order)),
      fact(order.status === 'shipped' ? 'Dispute until' : 'Deadline', formatDate(order.deadline))));
  const action = (/** @type {string} */ cls, /** @type {string} */ label, /** @type {string} */ path, extra = () => ({})) => {
    const button = el('button', { type: 'button', class: cls, text: label });
    onClick(button, async () => {
      const signer = await requireAccount();
      const who = path === 'confirm-receipt' || path === 'rate' ? { buyer: signer } : { from: signer };  // the API's names
      const { transactions } = await build(path, { ...who, order_id: order.order_id, ...extra() });
      await sendTransactions(transactions, say);
      say(`${label}: done for order ${order.order_id}.`, 'ok');
    });
    return button;
  };
  const tools = el('div', { class: 'actions' });
  const now = Date.now() / 1000;
  if (order.status === 'paid') tools.append(action('cancel-order', 'Cancel', 'cancel-order'));
  if (order.status === 'accepted' && now > order.deadline) tools.append(action('claim-refund', 'Claim refund', 'claim-refund'));
  if (order.status === 'shipped') {
    const reasonId = `dispute-reason-${order.order_id}`;
    const reason = /** @type {HTMLInputElement} */ (el('input', { id: reasonId, class: 'dispute-reason', type: 'text', maxlength: 200 }));
    tools.append(action('confirm-receipt', 'Confirm receipt', 'confirm-receipt'),
      el('label', { for: reasonId, text: 'What is wrong' }), reason,
      action('dispute', 'Dispute', 'dispute', () => {
        if (!reason.value.trim()) throw new Error('Say what is wrong with the order before disputing it.');
        return { reason: reason.value.trim() };
      }));
  }
  if (order.status === 'delivered' && !order.rated) {
    const ratingId = `rating-${order.order_id}`;
    const rating = /** @type {HTMLSelectElement} */ (el('select', { id: ratingId, class: 'rating' },
      ...[5, 4, 3, 2, 1].map((stars) => el('option', { value: stars, text: `${stars} stars` }))));
    tools.append(el('label', { for: ratingId, text: 'Your rating' }), rating,
      action('rate', 'Rate', 'rate', () => ({ rating: Number(rating.value) })));
  }
  if (order.rated) tools.append(el('span', { text: `You rated it ${order.rating} stars.` }));
  row.append(tools);
  return row;
}

/** @param {string} buyer */
function followBuyer(buyer) {
  if (stopOrders) stopOrders();
  byId('orders-live').textContent = 'Connecting to live updates…';
  stopOrders = followOrders({ buyer }, (orders) => {
    syncOrders(byId('orders'), orders, orderRow, undefined, 'You have no order yet.');
    showOwed(byId('owed'), buyer).catch(sayError);
  }, (live) => { byId('orders-live').textContent = live ? 'Live: updates as the hub and the oracle act.' : 'Reconnecting…'; });
}

function useMyLocation() {
  if (!navigator.geolocation) { say('This browser cannot tell your location: type a geohash.', 'error'); return; }
  say('Asking the browser for your location…');
  navigator.geolocation.getCurrentPosition((position) => {
    /** @type {HTMLInputElement} */ (byId('geohash')).value = encode(position.coords.latitude, position.coords.longitude, 7);
    say('Your location is filled in (as a geohash of about 150 m).', 'ok');
  }, (error) => say(`No location: ${error.message}. Type a geohash instead.`, 'error'));
}

startSession();
loadCatalogue().catch(sayError);
byId('near-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const button = /** @type {HTMLButtonElement} */ (byId('find-hubs'));
  button.disabled = true;
  findHubs().catch(sayError).finally(() => { button.disabled = false; });
});
byId('use-location').addEventListener('click', useMyLocation);
onClick(byId('place-order'), placeOrder);
onClick(byId('withdraw-owed'), async () => withdrawOwed(byId('owed'), await requireAccount()));
onAccount(followBuyer);
