// The evidence of an alignment: per mechanism a folded <details> with every strategy it serves
// and the quotes that back it ("p. 23 (PDF p. 35)"); a quote from a priority-action table is
// shown as its columns (action / responsible / timeline), not as a flattened line.

import { el, langAttr } from "./dom.js";
import { documentInfo } from "./docs.js";
import { t } from "./i18n.js";
import { openSource, pageRef } from "./source.js";

const VERDICT_ICON = { strong: "●", partial: "◐", none: "○" };

export function verdictBadge(verdict) {
  const known = verdict in VERDICT_ICON ? verdict : "none";
  return el("span", { class: `verdict verdict-${known}`, dataset: { verdict: known } },
    el("span", { class: "verdict-icon", attrs: { "aria-hidden": "true" }, text: VERDICT_ICON[known] }),
    " ",
    el("span", { i18n: `verdict_${known}`, text: t(`verdict_${known}`) }));
}

/** "Title, p. 23 (PDF p. 35)" for a quote, as nodes that re-translate. */
export function citation(item) {
  const info = documentInfo(item.doc_id) || {};
  const title = item.title || info.title || item.doc_id;
  const ref = pageRef(item.page, item.printed_page, "pageShort");
  return el("span", { class: "evidence-src" },
    el("span", { class: "evidence-title", lang: langAttr(info.language), text: title }), ", ",
    el("span", { class: "evidence-page", i18n: ref.key, i18nVars: ref.vars, text: t(ref.key, ref.vars) }));
}

function rowQuote(row, lang) {
  const line = (key, vars, value) => el("div", { class: "row-part" },
    el("span", { class: "row-key", i18n: key, i18nVars: vars, text: t(key, vars) }), " ",
    el("span", { class: "row-value", lang, text: value }));
  return el("div", { class: "row-quote" },
    line("rowAction", { n: row.number }, row.action),
    line("rowResponsible", {}, (row.responsible || []).join(", ") || "—"),
    line("rowTimeline", {}, row.timeline || "—"));
}

function quoteList(evidence) {
  const list = el("ul", { class: "evidence" });
  for (const item of evidence || []) {
    const info = documentInfo(item.doc_id) || {};
    const lang = langAttr(info.language);
    const title = item.title || info.title || item.doc_id;
    list.append(el("li", {},
      el("button", {
        type: "button", class: "linklike evidence-open",
        dataset: { docId: item.doc_id, page: item.page, row: item.row ? item.row.number : null },
        onclick: (event) => openSource({ docId: item.doc_id, page: item.page, quote: item.quote,
                                         pageLabel: item.printed_page, title, start: item.start,
                                         end: item.end }, event.currentTarget),
      },
      item.row ? rowQuote(item.row, lang) : el("q", { lang, text: item.quote }),
      el("span", { class: "evidence-cite" }, "— ", citation(item)))));
  }
  return list;
}

function alignmentItem(alignment, key) {
  return el("li", {
    class: `ev-alignment${alignment.note ? " ev-context" : ""}`,
    dataset: { strategyKey: key, verdict: alignment.verdict },
  },
  el("div", { class: "ev-head" },
    el("span", { class: "ev-strategy", text: alignment.strategy }),
    verdictBadge(alignment.verdict),
    el("span", { class: "score", text: Number(alignment.score).toFixed(2) })),
  el("div", { class: "ev-policy", text: alignment.policy }),
  alignment.note ? el("div", { class: "align-note", text: alignment.note }) : null,
  alignment.evidence && alignment.evidence.length ? quoteList(alignment.evidence) : null);
}

/**
 * The folded evidence of each mechanism: <details id="mech-ev-N" data-mechanism="label">.
 * `keyOf(alignment)` names the strategy the way the matrix's columns do.
 */
export function evidenceSection(report, keyOf) {
  const section = el("section", { class: "align-evidence", attrs: { "aria-labelledby": "align-evidence-h" } },
    el("h3", { id: "align-evidence-h", i18n: "evidenceHeading", text: t("evidenceHeading") }));
  report.mechanisms.forEach((mechanism, i) => {
    const best = mechanism.alignments.find((a) => !a.note) || mechanism.alignments[0];
    const items = el("ol", { class: "ev-alignments" },
      ...mechanism.alignments.map((a) => alignmentItem(a, keyOf(a))));
    section.append(el("details", {
      class: "mech-evidence", id: `mech-ev-${i}`, dataset: { mechanism: mechanism.label },
    },
    el("summary", {},
      el("span", { class: "mech-label", text: `${mechanism.label}. ` }),
      el("span", { class: "mech-text", text: mechanism.text }), " ",
      best ? verdictBadge(best.verdict) : null,
      mechanism.gap ? el("span", { class: "gap-badge", i18n: "gap", text: t("gap") }) : null),
    mechanism.alignments.length ? items
      : el("p", { class: "empty", i18n: "noAlignment", text: t("noAlignment") })));
  });
  return section;
}

/** Open mechanism `index`'s evidence, mark `strategyKey`'s entry, and bring it into view. */
export function openEvidence(index, strategyKey = null) {
  const details = document.getElementById(`mech-ev-${index}`);
  if (!details) return;
  details.open = true;
  for (const node of document.querySelectorAll(".ev-alignment.current")) node.classList.remove("current");
  const item = strategyKey
    ? [...details.querySelectorAll(".ev-alignment")].find((n) => n.dataset.strategyKey === strategyKey)
    : null;
  if (item) item.classList.add("current");
  const summary = details.querySelector("summary");
  details.scrollIntoView({ block: "start" });  // the mechanism's name, then its entry if below
  if (item && item.getBoundingClientRect().bottom > window.innerHeight) item.scrollIntoView({ block: "end" });
  summary.focus({ preventScroll: true });
}
