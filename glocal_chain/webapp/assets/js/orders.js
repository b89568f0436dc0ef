/**
 * Order lists that follow the live stream: each `.order[data-order-id]` row is rebuilt only when its state
 * changes, so what a person is typing in a row (a reason, a rating) survives the updates.
 * @module orders
 */

import { el } from './ui.js';

/**
 * Keeps `container`'s rows in step with `orders` (newest first).
 * @param {HTMLElement} container
 * @param {any[]} orders as GET /v1/orders returns them
 * @param {(order: any) => HTMLElement} row builds an order's row (an element with class "order")
 * @param {(order: any) => string} [key] what, when it changes, rebuilds a row (default: status, rated, deadline)
 * @param {string} [empty] the text when there is no order
 */
export function syncOrders(container, orders, row, key = (o) => `${o.status}|${o.rated}|${o.deadline}`, empty = 'No orders yet.') {
  /** @type {Map<string, HTMLElement>} */
  const existing = new Map();
  for (const node of container.querySelectorAll('.order[data-order-id]')) {
    existing.set(/** @type {HTMLElement} */ (node).dataset.orderId || '', /** @type {HTMLElement} */ (node));
  }
  const rows = orders.map((order) => {
    const id = String(order.order_id);
    const old = existing.get(id);
    if (old && old.dataset.key === key(order)) return old;
    const fresh = row(order);
    fresh.dataset.key = key(order);
    if (old && old.contains(document.activeElement)) queueMicrotask(() => fresh.querySelector('button')?.focus());
    return fresh;
  });
  const wanted = rows.length ? rows : [el('li', { class: 'empty', text: empty })];
  wanted.forEach((node, index) => {  // move only what changed: a row being typed in keeps its focus
    if (container.children[index] !== node) container.insertBefore(node, container.children[index] || null);
  });
  while (container.children.length > wanted.length) container.lastElementChild?.remove();
}
