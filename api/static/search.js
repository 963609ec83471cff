// Search for drafters: query, filters, results with highlighted snippets, twins, passage view.

import { latestOnly, postForJSON } from "./api.js";
import { $, clear, el, errorWithRetry, highlighted, langAttr, spinner } from "./dom.js";
import { DOC_TYPES, allDocuments, metaLine } from "./docs.js";
import { t } from "./i18n.js";
import { openSource, pageRef, pageSpan } from "./source.js";

const nextSignal = latestOnly();
let lastRequest = null;
let lastKey = null;  // the request whose results (or error) are on the page
let pendingRun = null;
let shownChunks = new Set();  // chunk ids on the page, so "+N more" lists only the others
let moreLists = 0;
const MORE_K = 50;  // a document's further passages: enough pages to list them all
const YEAR_DEBOUNCE_MS = 600;

function option(value, key, text) {
  return el("option", { value, i18n: key || null, text: key ? t(key) : text });
}

/** Fill the type, issuing-body and country selects (bodies and countries come from
 * GET /documents). */
export function fillSearchFilters() {
  const types = $("f-type");
  if (types.options.length <= 1) {
    for (const type of DOC_TYPES) types.append(option(type, `type_${type}`));
  }
  const bodies = $("f-body");
  const current = bodies.value;
  const names = [...new Set(allDocuments().map((d) => d.issuing_body).filter(Boolean))].sort();
  bodies.replaceChildren(option("", "any"), ...names.map((name) => option(name, null, name)));
  bodies.value = names.includes(current) ? current : "";
  const countries = $("f-country");
  const chosen = countries.value;
  const named = new Map(allDocuments().filter((d) => d.country)
    .map((d) => [d.country, d.country_name || d.country]));
  const codes = [...named.keys()].sort((a, b) => named.get(a).localeCompare(named.get(b)));
  countries.replaceChildren(option("", "any"), ...codes.map((c) => option(c, null, named.get(c))));
  countries.value = codes.includes(chosen) ? chosen : "";
}

function readRequest() {
  const query = $("q").value.trim();
  const filters = {};
  const language = $("f-lang").value;
  const type = $("f-type").value;
  const body = $("f-body").value;
  const country = $("f-country").value;
  const from = $("f-from").value.trim();
  const to = $("f-to").value.trim();
  if (language) filters.languages = [language];
  if (type) filters.doc_types = [type];
  if (body) filters.issuing_bodies = [body];
  if (country) filters.countries = [country];
  if (from) filters.date_from = from;
  if (to) filters.date_to = to;
  return { query, k: 20, per_doc: 3, filters };
}

function hitPassage(hit) {
  return {
    docId: hit.doc_id, page: hit.page, pageLabel: hit.page_label, start: hit.start, end: hit.end,
    quote: hit.text, title: hit.title, language: hit.language, docType: hit.doc_type, date: hit.date,
  };
}

function twinPassage(twin) {
  // twins carry no offsets: find their snippet (minus its "…") on the page
  const probe = twin.snippet.replace(/^…|…$/g, "").trim();
  return { docId: twin.doc_id, page: twin.page, title: twin.title, language: twin.language,
           quote: probe };
}

function hitItem(hit) {
  const open = (event) => openSource(hitPassage(hit), event.currentTarget);
  const extra = [pageSpan(hit.page, hit.page_label)];
  if (hit.issuing_body) extra.push(el("span", { class: "meta-body", text: hit.issuing_body }));
  const item = el("li", {
    class: "hit",
    dataset: { docId: hit.doc_id, language: hit.language, docType: hit.doc_type,
               date: hit.date || "", issuingBody: hit.issuing_body || "", page: hit.page },
  },
  el("h3", { class: "hit-title" },
    el("button", { type: "button", class: "linklike", lang: langAttr(hit.doc_language),
                   text: hit.title, onclick: open })),
  el("p", { class: "hit-meta" },
    metaLine({ docId: hit.doc_id, docType: hit.doc_type, date: hit.date,
               language: hit.language, extra })),
  hit.heading ? el("p", { class: "hit-heading", lang: langAttr(hit.language), text: hit.heading }) : null,
  el("p", { class: "snippet", lang: langAttr(hit.language) }, highlighted(hit.snippet, hit.highlights)),
  el("button", { type: "button", class: "secondary show-passage", i18n: "showPassage",
                 text: t("showPassage"), onclick: open }),
  hit.more_in_document ? moreInDocument(hit, lastRequest) : null);
  if (hit.twins && hit.twins.length) {
    const list = el("ul", { class: "twins-list" });
    for (const twin of hit.twins) {
      const excerpt = twin.snippet.replace(/^[#\s]+/, "").replace(/\s+/g, " ");
      list.append(el("li", {},
        el("button", {
          type: "button", class: "linklike twin", lang: langAttr(twin.language),
          dataset: { docId: twin.doc_id, language: twin.language },
          text: `${twin.title} (${t("pageShort", { n: twin.page })})`,
          onclick: (event) => openSource(twinPassage(twin), event.currentTarget),
        }),
        el("span", { class: "twin-excerpt", lang: langAttr(twin.language),
                     text: excerpt.length > 110 ? `${excerpt.slice(0, 110)}…` : excerpt })));
    }
    item.append(el("div", { class: "twins" },
      el("p", { class: "twins-label", i18n: "twinsLabel", text: t("twinsLabel") }), list));
  }
  return item;
}

function moreItem(hit) {
  const open = (event) => openSource(hitPassage(hit), event.currentTarget);
  const ref = pageRef(hit.page, hit.page_label);
  return el("li", { class: "more-hit", dataset: { docId: hit.doc_id, page: hit.page } },
    el("button", { type: "button", class: "linklike more-open", i18n: ref.key,
                   i18nVars: ref.vars, text: t(ref.key, ref.vars), onclick: open }),
    hit.heading ? el("span", { class: "hit-heading", lang: langAttr(hit.language),
                               text: ` · ${hit.heading}` }) : null,
    el("p", { class: "snippet", lang: langAttr(hit.language) },
      highlighted(hit.snippet, hit.highlights)));
}

function setToggleLabel(button, key, n) {
  button.setAttribute("data-i18n", key);
  button.setAttribute("data-i18n-vars", JSON.stringify({ n }));
  button.textContent = t(key, { n });
}

/**
 * "+N more in this document": a toggle that fetches the document's further passages for the
 * same query (once) and lists them under the hit, each opening its passage like a hit.
 */
function moreInDocument(hit, request) {
  const n = hit.more_in_document;
  const id = `more-list-${++moreLists}`;
  const status = el("p", { class: "status more-status", attrs: { role: "status" } });
  const list = el("ol", { class: "more-list", id });
  const box = el("div", { class: "more", hidden: true }, status, list);
  const toggle = el("button", { type: "button", class: "linklike more-toggle",
                                attrs: { "aria-expanded": "false", "aria-controls": id } });
  setToggleLabel(toggle, "moreInDocument", n);
  const shownHere = new Set(shownChunks);
  let loaded = false;

  async function load() {
    clear(status).append(spinner(), el("span", { i18n: "searching", text: t("searching") }));
    const body = { ...request, k: MORE_K, per_doc: null,
                   filters: { ...request.filters, doc_ids: [hit.doc_id] } };
    try {
      const response = await postForJSON("/search", body);
      const further = response.hits.filter((h) => h.doc_id === hit.doc_id
                                                  && !shownHere.has(h.chunk_id));
      clear(status);
      list.replaceChildren(...further.map(moreItem));
      if (!further.length) {
        status.append(el("span", { class: "empty", i18n: "noResults", text: t("noResults") }));
      }
      loaded = true;
    } catch (err) {
      clear(status).append(errorWithRetry(err.message, load));
    }
  }

  toggle.addEventListener("click", () => {
    const open = toggle.getAttribute("aria-expanded") !== "true";
    toggle.setAttribute("aria-expanded", String(open));
    setToggleLabel(toggle, open ? "lessInDocument" : "moreInDocument", n);
    box.hidden = !open;
    if (open && !loaded) load();
  });
  return el("div", { class: "more-in-document" }, toggle, box);
}

function withoutTwinRepeats(hits) {
  const twinIds = new Set();
  const shown = [];
  for (const hit of hits) {
    if (twinIds.has(hit.chunk_id)) continue;
    for (const twin of hit.twins || []) twinIds.add(twin.chunk_id);
    shown.push(hit);
  }
  return shown;
}

async function runSearch(request) {
  lastRequest = request;
  lastKey = JSON.stringify(request);
  const signal = nextSignal();
  const status = clear($("search-status"));
  const results = clear($("search-results"));
  results.setAttribute("aria-busy", "true");
  status.append(spinner(), el("span", { i18n: "searching", text: t("searching") }));
  try {
    const response = await postForJSON("/search", request, { signal });
    // a translation follows the hit it translates in `hits` (so rankings count it) and is also
    // among that hit's twins: the page shows it once, as the twin
    const shown = withoutTwinRepeats(response.hits);
    shownChunks = new Set(response.hits.flatMap(
      (hit) => [hit.chunk_id, ...(hit.twins || []).map((twin) => twin.chunk_id)]));
    clear(status);
    if (!shown.length) {
      status.append(el("span", { class: "empty", i18n: "noResults", text: t("noResults") }));
    } else {
      const ms = Math.round(response.took_ms);
      status.append(el("span", { i18n: "resultsCount", i18nVars: { n: shown.length, ms },
                                 text: t("resultsCount", { n: shown.length, ms }) }));
    }
    for (const hit of shown) results.append(hitItem(hit));
  } catch (err) {
    if (err && err.name === "AbortError") return;
    lastKey = null;
    clear(results);  // results of an earlier query would pass for this one's
    clear(status).append(errorWithRetry(err.message, () => runSearch(lastRequest)));
  } finally {
    results.removeAttribute("aria-busy");
  }
}

/** Search with the form's query and filters; `auto`: a filter changed (no focus, no repeat). */
function searchFromForm({ auto = false } = {}) {
  clearTimeout(pendingRun);
  const request = readRequest();
  const from = Number(request.filters.date_from);
  const to = Number(request.filters.date_to);
  if (from && to && from > to) {
    lastKey = null;
    nextSignal();  // a search still on its way would show results for other years
    clear($("search-results"));
    clear($("search-status")).append(el("span", { class: "error", attrs: { role: "alert" },
                                                 i18n: "yearOrder", text: t("yearOrder") }));
    return;
  }
  if (!request.query) {
    if (!auto) $("q").focus();
    return;
  }
  if (auto && JSON.stringify(request) === lastKey) return;
  runSearch(request);
}

function yearIncomplete(input) {
  const value = input.value.trim();
  return !input.validity.valid || (value !== "" && !/^\d{4}$/.test(value));
}

/** The folded filters' summary says how many are set, so a phone user knows they apply. */
function showActiveFilters(filters) {
  const n = [...filters.querySelectorAll("select, input")].filter((f) => f.value.trim()).length;
  const badge = $("filters-active");
  if (n) {
    badge.setAttribute("data-i18n", "filtersActive");
    badge.setAttribute("data-i18n-vars", JSON.stringify({ n }));
  } else {
    badge.removeAttribute("data-i18n");
  }
  badge.textContent = n ? t("filtersActive", { n }) : "";
}

/** Filters re-run the search at once; years while being typed, after a pause. */
function rerunOnFilterChange(filters) {
  filters.addEventListener("change", (event) => {
    showActiveFilters(filters);
    if (event.target.matches(".year input")) return;  // their `input` events handle them
    searchFromForm({ auto: true });
  });
  filters.addEventListener("input", (event) => {
    showActiveFilters(filters);
    if (!event.target.matches(".year input")) return;
    clearTimeout(pendingRun);
    if (yearIncomplete(event.target)) return;
    pendingRun = setTimeout(() => searchFromForm({ auto: true }), YEAR_DEBOUNCE_MS);
  });
}

/** Phones fold the filters away behind their summary; wider screens show them open. */
function foldFiltersOnPhones(fold) {
  const phone = window.matchMedia("(max-width: 700px)");
  const sync = () => { fold.open = !phone.matches; };
  sync();
  phone.addEventListener("change", sync);
}

export function initSearch() {
  $("search-form").addEventListener("submit", (event) => {
    event.preventDefault();
    searchFromForm();
  });
  rerunOnFilterChange($("search-filters"));
  foldFiltersOnPhones($("filters-fold"));
}
