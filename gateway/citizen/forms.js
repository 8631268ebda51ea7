// @ts-check
/**
 * Form fields as WCAG asks for them: every field has a visible label; a hint and an error are tied to it with
 * aria-describedby; an error is text (never colour alone) and marks the field aria-invalid; a group of choices
 * is a fieldset with a legend.
 */
import { h, newId } from './dom.js';

/**
 * @typedef {{ element: HTMLElement, control: HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement, setError(text: string | null): void, focus(): void }} Field
 */

/**
 * Ties the hint and, when there is one, the error to the control.
 * @param {HTMLElement} control
 * @param {string | null} hintId
 * @param {HTMLElement} error
 * @param {string | null} text
 */
function showError(control, hintId, error, text) {
  error.replaceChildren();
  if (text) {
    error.append(h('span', { class: 'visually-hidden' }, 'Feil: '), text);
    error.hidden = false;
    control.setAttribute('aria-invalid', 'true');
  } else {
    error.hidden = true;
    control.removeAttribute('aria-invalid');
  }
  const describedBy = [hintId, text ? error.id : null].filter(Boolean).join(' ');
  if (describedBy) control.setAttribute('aria-describedby', describedBy);
  else control.removeAttribute('aria-describedby');
}

/**
 * @param {{ label: string, hint?: string, name: string, multiline?: boolean, maxLength?: number, inputMode?: string, rows?: number, autocomplete?: string }} options
 * @returns {Field}
 */
export function textField(options) {
  const id = newId(options.name);
  const hintId = options.hint ? `${id}-hint` : null;
  const error = h('p', { class: 'field-error', id: `${id}-error`, hidden: true });
  const control = /** @type {HTMLInputElement | HTMLTextAreaElement} */ (
    options.multiline
      ? h('textarea', { id, name: options.name, rows: options.rows ?? 6, maxlength: options.maxLength, spellcheck: 'true' })
      : h('input', { id, name: options.name, type: 'text', maxlength: options.maxLength, inputmode: options.inputMode, autocomplete: options.autocomplete ?? 'off' })
  );
  showError(control, hintId, error, null);
  const element = h('div', { class: 'field' }, h('label', { for: id }, options.label), options.hint ? h('p', { class: 'hint', id: hintId }, options.hint) : null, error, control);
  return { element, control, setError: (text) => showError(control, hintId, error, text), focus: () => control.focus() };
}

/**
 * A drop-down list. `placeholder` is a first choice with no value.
 * @param {{ label: string, hint?: string, name: string, placeholder: string, options: { value: string, label: string }[] }} options
 * @returns {Field}
 */
export function selectField(options) {
  const id = newId(options.name);
  const hintId = options.hint ? `${id}-hint` : null;
  const error = h('p', { class: 'field-error', id: `${id}-error`, hidden: true });
  const control = /** @type {HTMLSelectElement} */ (
    h(
      'select',
      { id, name: options.name },
      h('option', { value: '' }, options.placeholder),
      options.options.map((o) => h('option', { value: o.value }, o.label)),
    )
  );
  showError(control, hintId, error, null);
  const element = h('div', { class: 'field' }, h('label', { for: id }, options.label), options.hint ? h('p', { class: 'hint', id: hintId }, options.hint) : null, error, control);
  return { element, control, setError: (text) => showError(control, hintId, error, text), focus: () => control.focus() };
}

/**
 * Radio buttons in a fieldset: the legend names the question, each choice has its own label (and hint).
 * @param {{ legend: string, hint?: string, name: string, options: { value: string, label: string, hint?: string }[] }} options
 */
export function radioGroup(options) {
  const id = newId(options.name);
  const hintId = options.hint ? `${id}-hint` : null;
  const error = h('p', { class: 'field-error', id: `${id}-error`, hidden: true });
  const inputs = options.options.map((o, i) => {
    const inputId = `${id}-${i}`;
    const input = /** @type {HTMLInputElement} */ (h('input', { type: 'radio', id: inputId, name: options.name, value: o.value }));
    return { input, element: h('div', { class: 'choice' }, input, h('label', { for: inputId }, o.label, o.hint ? h('span', { class: 'choice-hint' }, o.hint) : null)) };
  });
  const fieldset = h(
    'fieldset',
    { class: 'field', 'aria-describedby': hintId },
    h('legend', {}, options.legend),
    options.hint ? h('p', { class: 'hint', id: hintId }, options.hint) : null,
    error,
    inputs.map((i) => i.element),
  );
  return {
    element: fieldset,
    inputs: inputs.map((i) => i.input),
    value: () => inputs.find((i) => i.input.checked)?.input.value ?? null,
    /** @param {string | null} text */
    setError: (text) => {
      for (const { input } of inputs) showError(input, null, error, text);
    },
    focus: () => (inputs.find((i) => i.input.checked) ?? inputs[0])?.input.focus(),
  };
}

/**
 * A region that says what an action did, read out by screen readers when its text changes (role=status): it is in
 * the page before anything is said in it. `existing`: such a region already in the page.
 */
export function resultRegion(existing = /** @type {HTMLElement | null} */ (null)) {
  const element = existing ?? h('div', { class: 'result', role: 'status' });
  return {
    element,
    /**
     * @param {string} text
     * @param {'ok' | 'error' | 'info'} [tone]
     */
    say(text, tone = 'info') {
      element.className = `result result-${tone}`;
      element.replaceChildren();
      if (text) element.append(tone === 'error' ? h('strong', {}, 'Det gikk ikke: ') : tone === 'ok' ? h('strong', {}, 'Ferdig: ') : '', text);
    },
  };
}

/**
 * A key for one action, chosen by the page: the graph does an action once per key, so sending again after a
 * lost answer cannot do it twice.
 * @param {string} prefix
 */
export function idempotencyKey(prefix) {
  const random =
    typeof crypto.randomUUID === 'function'
      ? crypto.randomUUID()
      : Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
  return `${prefix}-${random}`;
}
