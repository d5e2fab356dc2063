// Builds DOM nodes from data. Text always goes in as text nodes, never as HTML, so nothing a server or a user
// typed can become markup or script.

/** h('tag.class1.class2', {attr: value, onclick: fn}, child, [children], 'text') */
export function h(spec, attrs = {}, ...children) {
  const [tag, ...classes] = spec.split('.');
  const el = document.createElement(tag);
  if (classes.length) el.className = classes.join(' ');
  setAttributes(el, attrs);
  append(el, children);
  return el;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

/** The same for SVG elements (charts). */
export function svg(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  setAttributes(el, attrs);
  append(el, children);
  return el;
}

function setAttributes(el, attrs) {
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') {
      el.addEventListener(name.slice(2), value);
    } else if (name === 'value' || name === 'checked') {
      el[name] = value;
    } else {
      el.setAttribute(name, value === true ? '' : String(value));
    }
  }
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces everything in {@code el} with {@code children}. */
export function replace(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

let fieldIds = 0;

/** A labelled form control: the label's for= points at the control, so screen readers and clicks find it. */
export function field(labelText, control, hint) {
  if (!control.id) control.id = `f${++fieldIds}`;
  const hintEl = hint ? h('small.hint', {id: `${control.id}-hint`}, hint) : null;
  if (hintEl) control.setAttribute('aria-describedby', hintEl.id);
  return h('div.field', {}, h('label', {for: control.id}, labelText), control, hintEl);
}

/** A table whose rows come from {@code rows} through {@code cells(row)}; scrolls sideways on a narrow screen. */
export function table(headings, rows, cells, emptyText = 'None yet.') {
  if (!rows.length) return h('p.empty', {}, emptyText);
  return h('div.table-wrap', {},
    h('table', {},
      h('thead', {}, h('tr', {}, headings.map(text => h('th', {scope: 'col'}, text)))),
      h('tbody', {}, rows.map(row => h('tr', {}, cells(row).map(cell => h('td', {}, cell)))))));
}

/** A line that screen readers announce: errors and confirmations after an action. */
export function status(message, kind = 'error') {
  return h(`p.status.${kind}`, {role: kind === 'error' ? 'alert' : 'status'}, message);
}

/** A button that copies {@code text()} to the clipboard and says so. */
export function copyButton(text, label = 'Copy') {
  const button = h('button.copy', {type: 'button'}, label);
  button.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(text());
      button.textContent = 'Copied';
    } catch {
      button.textContent = 'Select and copy by hand';   // no clipboard permission (plain http on another host)
    }
    setTimeout(() => { button.textContent = label; }, 2000);
  });
  return button;
}

export function formatNumber(n) {
  return n === null || n === undefined ? '—' : Number(n).toLocaleString('en-US');
}

export function formatTime(iso) {
  return iso ? new Date(iso).toLocaleString() : '—';
}

/** An event handler that runs {@code work} and shows its failure in {@code outcome}. */
export function action(outcome, work) {
  return async event => {
    event.preventDefault();
    try {
      await work();
    } catch (e) {
      replace(outcome, status(e.message));
    }
  };
}
