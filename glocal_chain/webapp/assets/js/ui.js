/**
 * Small DOM helpers shared by the pages: building elements (text only, never HTML), the page's message area,
 * busy buttons (disabled while their work runs: nothing is sent twice), amounts and dates for people.
 * @module ui
 */

/**
 * Makes an element.
 * @param {string} tag
 * @param {Record<string, any>} [attributes] `class`, `text` (its text), `on` ({click: fn}) or any attribute
 * @param {...(Node | string | null | undefined | false)} children
 * @returns {HTMLElement}
 */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'text') node.textContent = String(value);
    else if (name === 'on') for (const [event, handler] of Object.entries(value)) node.addEventListener(event, handler);
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children) if (child || child === '') node.append(child);
  return node;
}

/** @param {string} id @returns {HTMLElement} the element, which the page must have */
export function byId(id) {
  const node = document.getElementById(id);
  if (!node) throw new Error(`the page has no #${id}`);
  return node;
}

/**
 * Shows the page's one message (#message, role=status).
 * @param {string} text
 * @param {'info' | 'ok' | 'error'} [kind]
 */
export function say(text, kind = 'info') {
  const area = byId('message');
  area.textContent = text;
  area.dataset.kind = kind;
}

/** Shows an error's message (any thrown value) in #message. @param {unknown} error */
export function sayError(error) {
  say(error instanceof Error ? error.message : String(error), 'error');
}

/**
 * Runs `work` with `button` disabled and marked busy, then re-enables it; an error is shown in #message.
 * A second click while it runs does nothing (the button is disabled).
 * @param {HTMLButtonElement} button
 * @param {() => Promise<unknown>} work
 * @returns {Promise<boolean>} whether the work succeeded
 */
export async function busy(button, work) {
  if (button.disabled) return false;
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  try {
    await work();
    return true;
  } catch (error) {
    sayError(error);
    return false;
  } finally {
    button.disabled = false;
    button.removeAttribute('aria-busy');
  }
}

/** Binds `work` to a button's clicks through `busy`. @param {HTMLElement} button @param {() => Promise<unknown>} work */
export function onClick(button, work) {
  button.addEventListener('click', (event) => {
    event.preventDefault();
    busy(/** @type {HTMLButtonElement} */ (button), work);
  });
}

/**
 * An amount in base units as token units ("13.2" for 13200000 with 6 decimals), exact (BigInt).
 * @param {number | string | bigint} baseUnits
 * @param {number} decimals
 * @returns {string}
 */
export function formatUnits(baseUnits, decimals) {
  const value = BigInt(baseUnits);
  const negative = value < 0n;
  const digits = (negative ? -value : value).toString().padStart(decimals + 1, '0');
  const whole = digits.slice(0, digits.length - decimals);
  const fraction = digits.slice(digits.length - decimals).replace(/0+$/, '');
  return `${negative ? '-' : ''}${whole}${fraction ? `.${fraction}` : ''}`;
}

/** @param {number | string | bigint} baseUnits @param {{token_symbol: string, token_decimals: number}} token */
export const amount = (baseUnits, token) => `${formatUnits(baseUnits, token.token_decimals)} ${token.token_symbol}`;

/** A unix time in seconds as a local date and time. @param {number} seconds @returns {string} */
export const formatDate = (seconds) => new Date(seconds * 1000).toLocaleString(undefined,
  { dateStyle: 'medium', timeStyle: 'short' });

/** Basis points as a percentage ("2.5 %"). @param {number} bps */
export const percent = (bps) => `${(bps / 100).toLocaleString(undefined, { maximumFractionDigits: 2 })} %`;

/** A product's name for people: the last part of its metadata URI ("ipfs://calibration-cube" -> "calibration-cube"). */
export const productName = (/** @type {{metadata_uri: string, product_id: number}} */ product) =>
  (product.metadata_uri || '').replace(/^[a-z]+:\/\//i, '').split('/').filter(Boolean).pop() || `product ${product.product_id}`;

/** Replaces a container's children. @param {HTMLElement} container @param {(Node | string)[]} children */
export function fill(container, children) {
  container.replaceChildren(...children);
}

/** A definition line: <div><dt>term</dt><dd>value</dd></div>. @param {string} term @param {Node | string} value */
export const fact = (term, value) => el('div', {}, el('dt', { text: term }), el('dd', {}, value));
