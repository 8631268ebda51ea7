// @ts-check
/**
 * Building the page from text, never from HTML strings: the page's policy requires Trusted Types and allows no
 * inline script, so an answer (a name, a message someone wrote) can only ever become text.
 */

/**
 * @typedef {Node | string | number | null | undefined | false} Leaf
 * @typedef {Leaf | Leaf[] | (Leaf | Leaf[])[]} Child nested lists are flattened
 */

/**
 * An element with attributes and children. `class`, `for` and every other attribute are set as attributes;
 * `on<event>` names a listener; `true` sets a boolean attribute, `false`, null and undefined leave it out.
 * @param {string} tag
 * @param {Record<string, unknown>} [attributes]
 * @param {...Child} children
 * @returns {HTMLElement}
 */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') {
      element.addEventListener(name.slice(2), /** @type {EventListener} */ (value));
    } else {
      element.setAttribute(name, value === true ? '' : String(value));
    }
  }
  append(element, children);
  return element;
}

/**
 * @param {Element} parent
 * @param {Child[]} children
 */
export function append(parent, children) {
  for (const child of children.flat(2)) {
    if (child === null || child === undefined || child === false) continue;
    parent.append(typeof child === 'number' ? String(child) : child);
  }
}

/**
 * Replaces an element's content.
 * @param {Element} element
 * @param {...Child} children
 */
export function replace(element, ...children) {
  element.replaceChildren();
  append(element, children);
}

/**
 * @param {string} id
 * @returns {HTMLElement}
 */
export function byId(id) {
  const element = document.getElementById(id);
  if (!element) throw new Error(`#${id} is missing from the page`);
  return element;
}

let counter = 0;
/**
 * A new id for tying a label, a hint or an error to its field.
 * @param {string} prefix
 */
export function newId(prefix) {
  counter += 1;
  return `${prefix}-${counter}`;
}
