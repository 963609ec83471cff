// Alignment: a plan's / meeting record's mechanisms against the national policies' strategies.

import { downloadPost, latestOnly, postForJSON } from "./api.js";
import { $, clear, el, errorWithRetry, langAttr, spinner } from "./dom.js";
import { DOC_TYPES, allDocuments, documentInfo } from "./docs.js";
import { t } from "./i18n.js";
import { openSource } from "./source.js";

const VERDICT_ICON = { strong: "●", partial: "◐", none: "○" };
// Meeting records and plan drafts are what gets checked; list them first.
const TYPE_ORDER = ["meeting_record", "plan_draft", ...DOC_TYPES.filter(
  (type) => type !== "meeting_record" && type !== "plan_draft")];
let lastBody = null;
const nextSignal = latestOnly();

export function fillAlignmentDocuments() {
  const select = $("align-doc");
  const current = select.value;
  const groups = [];
  for (const type of TYPE_ORDER) {
    const docs = allDocuments().filter((d) => d.doc_type === type)
      .sort((a, b) => a.title.localeCompare(b.title));
    if (!docs.length) continue;
    const group = el("optgroup", { label: t(`type_${type}`), attrs: { "data-i18n-label": `type_${type}` } });
    for (const doc of docs) {
      group.append(el("option", { value: doc.doc_id, lang: langAttr(doc.language), text: doc.title }));
    }
    groups.push(group);
  }
  select.replaceChildren(...groups);
  if (current && allDocuments().some((d) => d.doc_id === current)) select.value = current;
}

export function relabelGroups() {
  for (const group of document.querySelectorAll("#align-doc optgroup[data-i18n-label]")) {
    group.label = t(group.getAttribute("data-i18n-label"));
  }
}

function readBody() {
  if ($("align-mode-text").checked) {
    const text = $("align-text").value.trim();
    return text ? { text } : null;
  }
  const docId = $("align-doc").value;
  return docId ? { doc_id: docId } : null;
}

function verdictBadge(verdict) {
  const known = verdict in VERDICT_ICON ? verdict : "none";
  return el("span", { class: `verdict verdict-${known}`, dataset: { verdict: known } },
    el("span", { class: "verdict-icon", attrs: { "aria-hidden": "true" }, text: VERDICT_ICON[known] }),
    " ",
    el("span", { i18n: `verdict_${known}`, text: t(`verdict_${known}`) }));
}

function evidenceList(evidence) {
  const list = el("ul", { class: "evidence" });
  for (const item of evidence || []) {
    const info = documentInfo(item.doc_id) || {};
    const title = info.title || item.doc_id;
    list.append(el("li", {},
      el("button", {
        type: "button", class: "linklike evidence-open",
        dataset: { docId: item.doc_id, page: item.page },
        onclick: (event) => openSource({ docId: item.doc_id, page: item.page, quote: item.quote,
                                         title, start: item.start, end: item.end }, event.currentTarget),
      },
      el("q", { lang: langAttr(info.language), text: item.quote }),
      el("span", { class: "evidence-src", text: ` — ${title}, ${t("pageShort", { n: item.page })}` }))));
  }
  return list;
}

function cell(tag, labelKey, ...children) {
  return el(tag, { attrs: { "data-label": t(labelKey), "data-label-key": labelKey } }, ...children);
}

function renderReport(report, body) {
  const out = clear($("align-result"));
  const docName = body.doc_id ? (documentInfo(body.doc_id)?.title || body.doc_id) : t("pastedText");
  if (!report.mechanisms || !report.mechanisms.length) {
    out.append(el("p", { class: "empty", i18n: "noMechanisms", text: t("noMechanisms") }));
  } else {
    const tbody = el("tbody");
    for (const mechanism of report.mechanisms) {
      const rows = mechanism.alignments && mechanism.alignments.length ? mechanism.alignments : [null];
      rows.forEach((alignment, i) => {
        const tr = el("tr", { class: i === 0 ? "mech-first" : "mech-more",
                              dataset: { mechanism: mechanism.label, verdict: alignment ? alignment.verdict : "none" } });
        if (i === 0) {
          const th = cell("th", "mechanism",
            el("span", { class: "mech-label", text: `${mechanism.label}. ` }),
            el("span", { text: mechanism.text }),
            mechanism.gap ? el("span", { class: "gap-badge", i18n: "gap", text: t("gap") }) : null);
          th.setAttribute("scope", "rowgroup");
          th.rowSpan = rows.length;
          tr.append(th);
        }
        if (!alignment) {
          const none = cell("td", "policy", el("span", { class: "empty", i18n: "noAlignment", text: t("noAlignment") }));
          none.colSpan = 5;
          tr.append(none);
        } else {
          tr.append(
            cell("td", "policy", alignment.policy),
            cell("td", "strategy", alignment.strategy,
                 alignment.note ? el("span", { class: "align-note", text: alignment.note }) : null),
            cell("td", "verdict", verdictBadge(alignment.verdict)),
            cell("td", "score", el("span", { class: "score", text: Number(alignment.score).toFixed(2) })),
            cell("td", "evidence", evidenceList(alignment.evidence)));
        }
        tbody.append(tr);
      });
    }
    const head = el("tr", {}, ...["mechanism", "policy", "strategy", "verdict", "score", "evidence"]
      .map((key) => el("th", { scope: "col", i18n: key, text: t(key) })));
    out.append(el("div", { class: "table-wrap" },
      el("table", { class: "alignment-table" },
        el("caption", { i18n: "alignCaption", i18nVars: { doc: docName }, text: t("alignCaption", { doc: docName }) }),
        el("thead", {}, head), tbody)));
  }
  if (report.unaddressed && report.unaddressed.length) {
    const list = el("ul", { class: "unaddressed-list" });
    for (const item of report.unaddressed) {
      list.append(el("li", {}, el("strong", { text: item.strategy }), ` — ${item.policy}`));
    }
    out.append(el("section", { class: "unaddressed" },
      el("h3", { i18n: "unaddressed", text: t("unaddressed") }), list));
  }
}

async function run(body) {
  lastBody = body;
  const signal = nextSignal();
  const status = clear($("align-status"));
  clear($("align-result"));
  $("align-downloads").hidden = true;
  status.append(spinner(), el("span", { i18n: "aligning", text: t("aligning") }));
  try {
    const report = await postForJSON("/alignment", { ...body, format: "json" }, { signal });
    clear(status);
    renderReport(report, body);
    $("align-downloads").hidden = false;
  } catch (err) {
    if (err && err.name === "AbortError") return;
    clear(status).append(errorWithRetry(err.message, () => run(lastBody)));
  }
}

function fileStem(body) {
  const base = body.doc_id ? body.doc_id.split("/").pop().replace(/\.[^.]+$/, "") : "pasted-text";
  return `alignment-${base.replace(/[^\w.-]+/g, "_")}`;
}

async function download(format) {
  if (!lastBody) return;
  const status = $("align-download-status");
  status.textContent = "";
  try {
    await downloadPost("/alignment", { ...lastBody, format }, `${fileStem(lastBody)}.${format}`);
  } catch (err) {
    status.textContent = err.message;
  }
}

function syncMode() {
  const fromText = $("align-mode-text").checked;
  $("align-doc-field").hidden = fromText;
  $("align-text-field").hidden = !fromText;
}

export function initAlignment() {
  $("align-mode-doc").addEventListener("change", syncMode);
  $("align-mode-text").addEventListener("change", syncMode);
  syncMode();
  $("align-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const body = readBody();
    if (!body) {
      const key = $("align-mode-text").checked ? "alignNeedText" : "alignNeedDoc";
      clear($("align-status")).append(el("span", { class: "error", attrs: { role: "alert" }, i18n: key, text: t(key) }));
      return;
    }
    run(body);
  });
  $("download-md").addEventListener("click", () => download("md"));
  $("download-csv").addEventListener("click", () => download("csv"));
}

/** Table cells carry their column name for the stacked phone layout; re-translate it. */
export function relabelCells() {
  for (const node of document.querySelectorAll("[data-label-key]")) {
    node.setAttribute("data-label", t(node.getAttribute("data-label-key")));
  }
}
