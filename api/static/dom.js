// DOM helpers. Everything that comes from documents or users becomes text nodes: no API that
// parses a string as HTML is used anywhere in this page's code (a test greps for them).

import { t } from "./i18n.js";

/** The element with this id. */
export const $ = (id) => document.getElementById(id);

/**
 * el("button", {class: "chip", i18n: "send", onclick: fn, attrs: {"aria-label": "…"}}, child, …)
 * Children are nodes or strings (strings become text nodes). `text` sets textContent.
 */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (/HTML|^srcdo/.test(key)) throw new Error(`el(): "${key}" would parse HTML`);
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = String(value);
    else if (key === "i18n") node.setAttribute("data-i18n", value);
    else if (key === "i18nVars") node.setAttribute("data-i18n-vars", JSON.stringify(value));
    else if (key === "dataset") Object.assign(node.dataset, value);
    else if (key === "attrs") for (const [a, v] of Object.entries(value)) {
      if (v !== undefined && v !== null && v !== false) node.setAttribute(a, String(v));
    }
    else if (key.startsWith("on") && typeof value === "function") {
      node.addEventListener(key.slice(2), value);
    } else if (key in node) node[key] = value;  // hidden, disabled, type, value, href, …
    else node.setAttribute(key, String(value));
  }
  append(node, ...children);
  return node;
}

export function append(node, ...children) {
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export function clear(node) {
  node.replaceChildren();
  return node;
}

/**
 * An error message with a Retry button, announced at once (role="alert"): inline
 * (<span> message, button) or as a block (<div> <p>message</p> button). `into`: fill that
 * element (already an alert on the page) instead of making one.
 */
export function errorWithRetry(message, onRetry, { block = false, into = null } = {}) {
  const retry = el("button", { type: "button", class: "retry", i18n: "retry", text: t("retry"),
                               onclick: onRetry });
  const parts = block ? [el("p", { text: message }), retry]
    : [el("span", { text: message }), " ", retry];
  if (into) {
    into.replaceChildren(...parts);
    return into;
  }
  return el(block ? "div" : "span", { class: "error", attrs: { role: "alert" } }, ...parts);
}

/**
 * Offsets from the API count Unicode code points (Python str indices); JavaScript strings count
 * UTF-16 units. They agree for Khmer and Latin (all in the BMP) but not for emoji and other
 * astral characters, so convert code-point offsets to string indices before slicing.
 */
export function cpToIndex(text, cp) {
  if (!/[\uD800-\uDBFF]/.test(text)) return Math.min(Math.max(cp, 0), text.length);
  let index = 0;
  let count = 0;
  while (index < text.length && count < cp) {
    const code = text.charCodeAt(index);
    index += code >= 0xd800 && code <= 0xdbff && index + 1 < text.length ? 2 : 1;
    count += 1;
  }
  return index;
}

/** Text with `spans` ([start, end) code-point offsets) wrapped in <mark>, as DOM nodes. */
export function highlighted(text, spans, markClass = "hl") {
  const frag = document.createDocumentFragment();
  const ranges = (spans || [])
    .map(([s, e]) => [cpToIndex(text, s), cpToIndex(text, e)])
    .filter(([s, e]) => e > s)
    .sort((a, b) => a[0] - b[0]);
  let pos = 0;
  for (const [s, e] of ranges) {
    if (s < pos) continue;  // overlapping span: keep the first
    if (s > pos) frag.append(document.createTextNode(text.slice(pos, s)));
    frag.append(el("mark", { class: markClass, text: text.slice(s, e) }));
    pos = e;
  }
  if (pos < text.length) frag.append(document.createTextNode(text.slice(pos)));
  return frag;
}

/** A `lang` attribute value for a passage language ("km", "en"; "mixed" → none). */
export function langAttr(language) {
  return language === "km" || language === "en" ? language : undefined;
}

export function spinner() {
  return el("span", { class: "spinner", attrs: { "aria-hidden": "true" } });
}

/** URL path of a document: ids may contain slashes (kept) and "#", "?", "%" (encoded). */
export function docPath(docId) {
  return "/documents/" + docId.split("/").map(encodeURIComponent).join("/");
}

export function newId() {
  if (globalThis.crypto && typeof crypto.randomUUID === "function") {
    return crypto.randomUUID().replaceAll("-", "");
  }
  return Array.from({ length: 24 }, () => Math.floor(Math.random() * 36).toString(36)).join("");
}

const SVG_NS = "http://www.w3.org/2000/svg";
const ICON_PATHS = {
  // thumbs (after Feather icons, MIT): drawn, so no emoji font is needed
  up: "M14 9V5a3 3 0 0 0-3-3l-4 9v11h11.28a2 2 0 0 0 2-1.7l1.38-9a2 2 0 0 0-2-2.3zM7 22H4a2 2 0 0 1-2-2v-7a2 2 0 0 1 2-2h3",
  down: "M10 15v4a3 3 0 0 0 3 3l4-9V2H5.72a2 2 0 0 0-2 1.7l-1.38 9a2 2 0 0 0 2 2.3zm7-13h2.67A2.31 2.31 0 0 1 22 4v7a2.31 2.31 0 0 1-2.33 2H17",
  copy: "M9 9h11v11H9zM5 15H4a1 1 0 0 1-1-1V4a1 1 0 0 1 1-1h10a1 1 0 0 1 1 1v1",
};

/** A decorative line icon (aria-hidden; the button around it carries the label). */
export function icon(name) {
  const svg = document.createElementNS(SVG_NS, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  svg.setAttribute("class", `icon icon-${name}`);
  const path = document.createElementNS(SVG_NS, "path");
  path.setAttribute("d", ICON_PATHS[name]);
  svg.append(path);
  return svg;
}

/** Scroll `node` into view inside its scrolling `container` only (the window stays put). */
export function scrollWithin(container, node, { align = "nearest" } = {}) {
  if (!container || !node) return;
  const box = container.getBoundingClientRect();
  const rect = node.getBoundingClientRect();
  if (container.scrollHeight <= container.clientHeight + 1) {
    node.scrollIntoView({ block: align === "center" ? "center" : "nearest" });
    return;
  }
  const offset = rect.top - box.top + container.scrollTop;
  if (align === "center") {
    container.scrollTop = Math.max(0, offset - (container.clientHeight - rect.height) / 2);
  } else if (align === "start") {
    container.scrollTop = Math.max(0, offset - 8);
  } else if (rect.top < box.top) {
    container.scrollTop = offset - 8;
  } else if (rect.bottom > box.bottom) {
    container.scrollTop = offset + rect.height - container.clientHeight + 8;
  }
}
