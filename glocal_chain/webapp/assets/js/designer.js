/**
 * The designer's page (/designer): register a product from a design file (hashed in the browser, uploaded
 * with the designer's signature, registered on chain), publish a new version, see royalties and withdraw.
 * @module designer
 */

import { api, build } from './api.js';
import { uploadDesign } from './designs.js';
import { showOwed, withdrawOwed } from './payouts.js';
import { onAccount, requireAccount, startSession } from './session.js';
import { byId, el, fact, fill, onClick, percent, productName, say, sayError } from './ui.js';
import { sendTransactions } from './wallet.js';

/** @param {string} id @returns {HTMLInputElement} */
const input = (id) => /** @type {HTMLInputElement} */ (byId(id));

async function registerProduct() {
  const file = input('design-file').files?.[0];
  const metadataUri = input('metadata-uri').value.trim();
  const royalty = input('royalty-bps').value;
  if (!file) throw new Error('Choose the design file first.');
  if (!metadataUri) throw new Error('Give the product\u2019s metadata URI.');
  const from = await requireAccount();
  const sha256 = await uploadDesign(file, from, say);
  byId('design-hash').textContent = `sha256 of ${file.name}: ${sha256}`;
  const { transactions } = await build('register-product', { from, design_sha256: sha256, metadata_uri: metadataUri,
    royalty_bps: Number(royalty) });
  await sendTransactions(transactions, say);
  say(`Product registered from ${file.name}.`, 'ok');
  await loadProducts(from);
}

/** A product's row, with a new version's file and its publication. @param {any} product */
function productRow(product) {
  const id = product.product_id;
  const fileId = `new-version-file-${id}`;
  const file = /** @type {HTMLInputElement} */ (el('input', { id: fileId, class: 'new-version-file', type: 'file', accept: '.gcode,.gco,.g,text/plain' }));
  const publish = el('button', { type: 'button', class: 'publish-version', text: 'Publish new version' });
  onClick(publish, async () => {
    const chosen = file.files?.[0];
    if (!chosen) throw new Error(`Choose the new design file of product ${id} first.`);
    const from = await requireAccount();
    const sha256 = await uploadDesign(chosen, from, say);
    const { transactions } = await build('publish-version', { from, product_id: id, design_sha256: sha256,
      metadata_uri: product.metadata_uri });
    await sendTransactions(transactions, say);
    say(`Version ${product.version + 1} of ${productName(product)} published.`, 'ok');
    await loadProducts(from);
  });
  return el('li', { class: 'product', 'data-product-id': id },
    el('h3', { text: `${productName(product)} (product ${id})` }),
    el('dl', {}, fact('Version', String(product.version)), fact('Royalty', percent(product.royalty_bps)),
      fact('Design sha256', el('code', { text: product.design_hash })), fact('Status', product.active ? 'active' : 'retired')),
    el('div', { class: 'actions' }, el('label', { for: fileId, text: 'New version file' }), file, publish));
}

/** @param {string} designer */
async function loadProducts(designer) {
  const list = await api(`/v1/products?designer=${designer}&limit=500`);
  fill(byId('products'), list.length ? list.map(productRow) : [el('li', { class: 'empty', text: 'No product yet.' })]);
  await showOwed(byId('royalties'), designer);
}

startSession();
onClick(byId('register-product'), registerProduct);
byId('register-form').addEventListener('submit', (event) => event.preventDefault());
onAccount((designer) => { loadProducts(designer).catch(sayError); });
onClick(byId('withdraw-royalties'), async () => withdrawOwed(byId('royalties'), await requireAccount()));
