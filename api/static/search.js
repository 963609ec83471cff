// Search for drafters: query, filters, results with highlighted snippets, twins, passage view.

import { latestOnly, postForJSON } from "./api.js";
import { $, clear, el, errorWithRetry, highlighted, langAttr, spinner } from "./dom.js";
import { DOC_TYPES, allDocuments, metaLine } from "./docs.js";
import { t } from "./i18n.js";
import { openSource } from "./source.js";

const nextSignal = latestOnly();
let lastRequest = null;

function option(value, key, text) {
  return el("option", { value, i18n: key || null, text: key ? t(key) : text });
}

/** Fill the type and issuing-body selects (the bodies come from GET /documents). */
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
}

function readRequest() {
  const query = $("q").value.trim();
  const filters = {};
  const language = $("f-lang").value;
  const type = $("f-type").value;
  const body = $("f-body").value;
  const from = $("f-from").value.trim();
  const to = $("f-to").value.trim();
  if (language) filters.languages = [language];
  if (type) filters.doc_types = [type];
  if (body) filters.issuing_bodies = [body];
  if (from) filters.date_from = from;
  if (to) filters.date_to = to;
  return { query, k: 20, per_doc: 3, filters };
}

function hitPassage(hit) {
  return {
    docId: hit.doc_id, page: hit.page, start: hit.start, end: hit.end, quote: hit.text,
    title: hit.title, language: hit.language, docType: hit.doc_type, date: hit.date,
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
  const extra = [];
  if (hit.issuing_body) extra.push(el("span", { class: "meta-body", text: hit.issuing_body }));
  if (hit.more_in_document) {
    extra.push(el("span", { i18n: "moreInDocument", i18nVars: { n: hit.more_in_document },
                            text: t("moreInDocument", { n: hit.more_in_document }) }));
  }
  const item = el("li", {
    class: "hit",
    dataset: { docId: hit.doc_id, language: hit.language, docType: hit.doc_type,
               date: hit.date || "", issuingBody: hit.issuing_body || "", page: hit.page },
  },
  el("h3", { class: "hit-title" },
    el("button", { type: "button", class: "linklike", lang: langAttr(hit.doc_language),
                   text: hit.title, onclick: open })),
  el("p", { class: "hit-meta" },
    metaLine({ docId: hit.doc_id, docType: hit.doc_type, date: hit.date, page: hit.page,
               language: hit.language, extra })),
  hit.heading ? el("p", { class: "hit-heading", lang: langAttr(hit.language), text: hit.heading }) : null,
  el("p", { class: "snippet", lang: langAttr(hit.language) }, highlighted(hit.snippet, hit.highlights)),
  el("button", { type: "button", class: "secondary show-passage", i18n: "showPassage",
                 text: t("showPassage"), onclick: open }));
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
    clear(status).append(errorWithRetry(err.message, () => runSearch(lastRequest)));
  } finally {
    results.removeAttribute("aria-busy");
  }
}

export function initSearch() {
  $("search-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const request = readRequest();
    const from = Number(request.filters.date_from);
    const to = Number(request.filters.date_to);
    if (from && to && from > to) {
      clear($("search-status")).append(el("span", { class: "error", attrs: { role: "alert" },
                                                   i18n: "yearOrder", text: t("yearOrder") }));
      return;
    }
    if (!request.query) {
      $("q").focus();
      return;
    }
    runSearch(request);
  });
}
