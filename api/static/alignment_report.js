// An alignment result, top to bottom: a header with the counts, the GAPS (unsupported
// mechanisms, unaddressed strategies by policy), the heat map (mechanisms × strategies grouped
// by policy, hand-entered policies as a "context" group), a summary table (each mechanism's best
// strategy and its citation), then each mechanism's evidence, folded.

import { clear, el } from "./dom.js";
import { citation, evidenceSection, openEvidence, verdictBadge } from "./alignment_evidence.js";
import { t } from "./i18n.js";
import { heatMap, legend, shortLabel, shortTitle } from "./matrix.js";

const CONTEXT = "context";
// Khmer digits compare as Latin ones, so "យុទ្ធសាស្ត្រទី១០" sorts after "…ទី៩"
const latinDigits = (text) => text.replace(/[០-៩]/g, (d) => String(d.charCodeAt(0) - 0x17e0));
const byLabel = (a, b) => latinDigits(a.label).localeCompare(latinDigits(b.label), "en", { numeric: true });

/** The strategy's column key: its policy and its name (the JSON carries no ids). */
export const strategyKey = (item) => `${item.policy}\u241f${item.strategy}`;

/**
 * The map's groups: indexed policies in the order they first appear (every strategy they
 * have, from the alignments and the unaddressed list), then one "context" group for the
 * hand-entered strategies that were shown (they have no indexed text).
 */
export function matrixGroups(report) {
  const groups = new Map();
  const add = (item, context) => {
    const gkey = context ? CONTEXT : item.policy;
    if (!groups.has(gkey)) {
      groups.set(gkey, context
        ? { key: CONTEXT, short: t("contextGroup"), shortKey: "contextGroup", title: t("contextGroupTitle"),
            titleKey: "contextGroupTitle", context: true, columns: new Map() }
        : { key: gkey, short: shortTitle(item.policy), title: item.policy, context: false, columns: new Map() });
    }
    const key = strategyKey(item);
    const columns = groups.get(gkey).columns;
    if (columns.has(key)) return;
    const label = item.strategy.split(/[:៖]/)[0].trim();
    const abbr = context ? `${shortTitle(item.policy)} ${shortLabel(item.strategy)}` : shortLabel(item.strategy);
    columns.set(key, { key, abbr, label, title: context ? `${item.policy} — ${item.strategy}` : item.strategy });
  };
  for (const mechanism of report.mechanisms || []) {
    for (const a of mechanism.alignments || []) if (!a.note) add(a, false);
  }
  for (const u of report.unaddressed || []) add(u, false);
  for (const mechanism of report.mechanisms || []) {
    for (const a of mechanism.alignments || []) if (a.note) add(a, true);
  }
  const list = [...groups.values()].map((g) => ({ ...g, columns: [...g.columns.values()].sort(byLabel) }));
  return [...list.filter((g) => !g.context), ...list.filter((g) => g.context)];
}

/** A mechanism's best evidence-backed alignment (hand-entered ones are context only). */
export function bestAlignment(mechanism) {
  const list = mechanism.alignments || [];
  return list.find((a) => !a.note) || null;
}

function counts(report) {
  const out = { mechanisms: report.mechanisms.length, strong: 0, partial: 0, gaps: 0 };
  for (const m of report.mechanisms) {
    const best = bestAlignment(m);
    if (m.gap) out.gaps += 1;
    else if (best && best.verdict === "strong") out.strong += 1;
    else if (best && best.verdict === "partial") out.partial += 1;
  }
  return out;
}

function header(report, docName) {
  const c = counts(report);
  const chip = (key, n, cls) => {
    const i18n = n === 1 && (key === "mechanisms" || key === "gaps") ? `count_${key}_one` : `count_${key}`;
    return el("li", { class: `count ${cls}`, dataset: { count: key } },
      el("span", { i18n, i18nVars: { n }, text: t(i18n, { n }) }));
  };
  return el("header", { class: "report-head" },
    el("h3", { class: "report-title", text: report.title || docName }),
    el("p", { class: "report-meta" },
      report.date ? el("span", { i18n: "reportDate", i18nVars: { date: report.date },
                                 text: t("reportDate", { date: report.date }) }) : null,
      report.document && report.title ? el("span", { class: "report-doc", text: ` · ${report.document}` }) : null),
    el("ul", { class: "report-counts" },
      chip("mechanisms", c.mechanisms, "count-all"), chip("strong", c.strong, "verdict-strong"),
      chip("partial", c.partial, "verdict-partial"), chip("gaps", c.gaps, c.gaps ? "count-gap" : "verdict-none")));
}

/** "Strategy 2: Building …" as its column code and its title ("S2", "Building …"). */
function strategyLine(strategy) {
  const cut = strategy.search(/[:៖]/);
  const title = cut >= 0 ? strategy.slice(cut + 1).trim() : strategy;
  return [el("span", { class: "mx-abbr", attrs: { title: strategy }, text: shortLabel(strategy) }), " ", title];
}

function gapsSection(report, open) {
  const gaps = report.mechanisms.map((m, i) => [m, i]).filter(([m]) => m.gap);
  const mechanisms = el("div", { class: "gap-part gap-mechanisms-part" },
    el("h4", { i18n: "gapMechanisms", text: t("gapMechanisms") }),
    gaps.length
      ? el("ul", { class: "gap-mechanisms" }, ...gaps.map(([m, i]) => el("li", {},
        el("button", { type: "button", class: "linklike", dataset: { mechanism: m.label },
                       onclick: () => open(i, null), text: `${m.label}. ${m.text}` }))))
      : el("p", { class: "empty", i18n: "gapMechanismsNone", text: t("gapMechanismsNone") }));
  const byPolicy = new Map();
  for (const u of report.unaddressed || []) {
    if (!byPolicy.has(u.policy)) byPolicy.set(u.policy, []);
    byPolicy.get(u.policy).push(u.strategy);
  }
  const unaddressed = byPolicy.size ? el("div", { class: "unaddressed-groups" },
    ...[...byPolicy].map(([policy, strategies]) => el("div", { class: "unaddressed-group", dataset: { policy } },
      el("h5", {}, el("abbr", { title: policy, text: shortTitle(policy) }), ` — ${policy} (${strategies.length})`),
      el("ul", { class: "unaddressed-list" },
        ...strategies.map((s) => el("li", { dataset: { strategy: s } }, ...strategyLine(s)))))))
    : el("p", { class: "empty", i18n: "unaddressedNone", text: t("unaddressedNone") });
  return el("section", { class: "align-gaps", attrs: { "aria-labelledby": "align-gaps-h" } },
    el("h3", { id: "align-gaps-h", i18n: "gapsHeading", text: t("gapsHeading") }),
    mechanisms,
    el("div", { class: "gap-part unaddressed" },
      el("h4", { i18n: "unaddressed", text: t("unaddressed") }), unaddressed));
}

function matrixSection(report, groups, docName, open) {
  const rows = report.mechanisms.map((m, i) => ({ key: String(i), label: `${m.label}.`, text: m.text }));
  const cells = new Map();
  report.mechanisms.forEach((m, i) => {
    for (const a of m.alignments || []) {
      const key = `${i}|${strategyKey(a)}`;
      if (!cells.has(key)) cells.set(key, { verdict: a.verdict, score: a.score, context: Boolean(a.note) });
    }
  });
  const map = heatMap({
    id: "align-matrix", captionKey: "matrixCaption", captionVars: { doc: docName },
    cornerKey: "mechanism", rows, groups,
    value: (row, column) => cells.get(`${row.key}|${column.key}`) || null,
    onOpen: (row, column) => open(Number(row.key), column ? column.key : null),
  });
  return el("section", { class: "align-matrix", attrs: { "aria-labelledby": "align-matrix-h" } },
    el("h3", { id: "align-matrix-h", i18n: "matrixHeading", text: t("matrixHeading") }),
    el("p", { class: "hint", i18n: "matrixHint", text: t("matrixHint") }),
    map, legend(groups));
}

function cell(tag, labelKey, ...children) {
  return el(tag, { attrs: { "data-label": t(labelKey), "data-label-key": labelKey } }, ...children);
}

function summaryTable(report, docName, open) {
  const tbody = el("tbody");
  report.mechanisms.forEach((m, i) => {
    const best = bestAlignment(m);
    const quote = best && best.evidence && best.evidence[0];
    const th = cell("th", "mechanism",
      el("button", { type: "button", class: "linklike mech-open", onclick: () => open(i, best ? strategyKey(best) : null) },
        el("span", { class: "mech-label", text: `${m.label}. ` }), el("span", { text: m.text })),
      m.gap ? el("span", { class: "gap-badge", i18n: "gap", text: t("gap") }) : null);
    th.setAttribute("scope", "row");
    tbody.append(el("tr", { class: "mech-first", dataset: { mechanism: m.label, verdict: best ? best.verdict : "none" } },
      th,
      best ? cell("td", "bestStrategy", el("span", { class: "sum-strategy", text: best.strategy }),
        el("abbr", { class: "sum-policy", attrs: { title: best.policy }, text: shortTitle(best.policy) }))
        : cell("td", "bestStrategy", el("span", { class: "empty", i18n: "noAlignment", text: t("noAlignment") })),
      cell("td", "verdict", verdictBadge(best ? best.verdict : "none")),
      cell("td", "score", best ? el("span", { class: "score", text: Number(best.score).toFixed(2) }) : "—"),
      cell("td", "citedIn", quote ? citation(quote) : "—")));
  });
  const head = el("tr", {}, ...["mechanism", "bestStrategy", "verdict", "score", "citedIn"]
    .map((key) => el("th", { scope: "col", i18n: key, text: t(key) })));
  return el("section", { class: "align-summary", attrs: { "aria-labelledby": "align-summary-h" } },
    el("h3", { id: "align-summary-h", i18n: "summaryHeading", text: t("summaryHeading") }),
    el("div", { class: "table-wrap" },
      el("table", { class: "alignment-table" },
        el("caption", { i18n: "alignCaption", i18nVars: { doc: docName }, text: t("alignCaption", { doc: docName }) }),
        el("thead", {}, head), tbody)));
}

/** Fill `out` with the whole result (see the top of this file). */
export function renderReport(out, report, docName) {
  clear(out);
  if (!report.mechanisms || !report.mechanisms.length) {
    out.append(el("p", { class: "empty", i18n: "noMechanisms", text: t("noMechanisms") }));
    return;
  }
  const groups = matrixGroups(report);
  const open = (index, key) => openEvidence(index, key);
  out.append(el("article", { class: "align-report" },
    header(report, docName),
    gapsSection(report, open),
    matrixSection(report, groups, docName, open),
    summaryTable(report, docName, open),
    evidenceSection(report, strategyKey)));
}
