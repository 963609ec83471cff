// A compact heat map (rows × columns grouped under headers), shared by the alignment result
// (mechanisms × strategies) and the coverage view (plans × strategies). Every cell shows its
// verdict as a colour AND a letter, so it never depends on colour alone; hovering or focusing a
// cell shows its column's full title and its score; clicking a cell or a row header calls
// `onOpen`. The map scrolls sideways inside its own box, with the row headers sticky.

import { el } from "./dom.js";
import { t } from "./i18n.js";

export const VERDICTS = ["strong", "partial", "none"];

/**
 * A short name for a policy group header: "Cambodia Digital Government Policy 2022-2035" ->
 * "DGP", "Rectangular Strategy … – Phase IV" -> "RS-IV"; a title without Latin capitals (Khmer)
 * is cut to 18 characters. The full title is always in the header's title and in the legend.
 */
export function shortTitle(title) {
  const text = String(title || "");
  const phase = text.match(/\bPhase\s+([IVX]+|\d+)\b/i);
  const head = text.split(/\s+(?:for|of|on)\s+|\s[–—-]\s|:/)[0];
  const letters = head.replace(/\b\d{4}\s*[-–]\s*\d{4}\b/g, " ").split(/[\s,]+/)
    .filter((w) => /^[A-Z]/.test(w) && !/^(Cambodia|Cambodian|Royal|Kingdom|Phase|[IVX]+)$/.test(w))
    .map((w) => w[0]).join("");
  if (letters.length >= 2) return phase ? `${letters}-${phase[1].toUpperCase()}` : letters;
  return text.length > 18 ? `${text.slice(0, 17)}…` : text;
}

/**
 * A short column label: "Strategy 7: Building …" -> "S7", "Measure group 3.4.3.A: …" ->
 * "3.4.3.A", "Rectangle 1: …" -> "R1", "យុទ្ធសាស្ត្រទី១៖ …" -> "ទី១"; anything else: its first 6
 * characters.
 */
export function shortLabel(name) {
  const label = String(name || "").split(/[:៖]/)[0].trim();
  const code = label.match(/(\d+(?:\.[\dA-Za-z]+)+)$/);
  if (code) return code[1];
  const khmer = label.match(/(ទី)?\s*([0-9០-៩]+)$/u);  // "យុទ្ធសាស្ត្រទី១" -> "ទី១"
  if (khmer && /^[\u1780-\u17ff]/u.test(label)) return `${khmer[1] || ""}${khmer[2]}`;
  const numbered = label.match(/^(\p{L})\p{L}*\s+(\S+)$/u);
  if (numbered) return `${numbered[1].toUpperCase()}${numbered[2]}`;
  return label.length > 6 ? `${label.slice(0, 5)}…` : label;
}

function verdictOf(value) {
  return VERDICTS.includes(value) ? value : "none";
}

let tip = null;  // one tooltip for every map on the page

function tooltip() {
  if (!tip || !tip.isConnected) {
    tip = el("div", { id: "matrix-tip", class: "mx-tip", attrs: { role: "tooltip" }, hidden: true });
    document.body.append(tip);
  }
  return tip;
}

function showTip(target, text) {
  const box = tooltip();
  box.textContent = text;
  box.hidden = false;
  const rect = target.getBoundingClientRect();
  const width = box.offsetWidth;
  const left = Math.max(4, Math.min(rect.left + rect.width / 2 - width / 2, window.innerWidth - width - 4));
  const above = rect.top - box.offsetHeight - 6;
  box.style.left = `${left}px`;
  box.style.top = `${above > 4 ? above : rect.bottom + 6}px`;
  target.setAttribute("aria-describedby", "matrix-tip");
}

function hideTip(target) {
  if (tip) tip.hidden = true;
  if (target) target.removeAttribute("aria-describedby");
}

/** The text a cell's tooltip shows: its column's full title, verdict, score (and detail). */
export function cellText(column, value) {
  const verdict = verdictOf(value && value.verdict);
  const words = t(`verdict_${verdict}`);
  const detail = value && value.detail ? ` — ${value.detail}` : "";
  if (!value || value.score === undefined || value.score === null) {
    return `${column.title} — ${value ? words : t("notScored")}${detail}`;
  }
  return `${column.title} — ${words}, ${t("score").toLowerCase()} ${Number(value.score).toFixed(2)}${detail}`;
}

function cellButton(row, column, value, onOpen) {
  const verdict = verdictOf(value && value.verdict);
  const text = cellText(column, value);
  const button = el("button", {
    type: "button", class: `mx-cell mx-${verdict}${value && value.context ? " mx-context" : ""}`,
    dataset: { row: row.key, col: column.key, verdict },
    attrs: { "aria-label": `${row.label}: ${text}`, tabindex: verdict === "none" ? "-1" : null },
    onclick: () => onOpen(row, column),
    onmouseenter: (event) => showTip(event.currentTarget, text),
    onmouseleave: (event) => hideTip(event.currentTarget),
    onfocus: (event) => showTip(event.currentTarget, text),
    onblur: (event) => hideTip(event.currentTarget),
  }, el("span", { attrs: { "aria-hidden": "true" }, i18n: `abbr_${verdict}`, text: t(`abbr_${verdict}`) }));
  return el("td", { class: "mx-td" }, button);
}

/** A group's name, no wider than its columns (the full title is the header's title). */
function groupName(group) {
  const name = el("span", { class: "mx-group-name", i18n: group.shortKey, text: group.short });
  name.style.maxWidth = `${Math.max(group.columns.length * 1.85 - 0.6, 4.5)}rem`;  // a lone column widens
  return name;
}

/**
 * The heat map as a <div class="mx-wrap"> holding a <table class="matrix">:
 * rows [{key, label, text}], groups [{key, short, title, context, columns: [{key, abbr, title}]}]
 * (a group's optional shortKey / titleKey re-translate its name),
 * value(row, column) -> {verdict, score, context, detail} or null, onOpen(row, column|null).
 */
export function heatMap({ id, captionKey, captionVars = {}, cornerKey, rows, groups, value, onOpen }) {
  const groupRow = el("tr", { class: "mx-groups" },
    el("th", { class: "mx-corner", rowSpan: 2, attrs: { scope: "col" } },
      el("span", { i18n: cornerKey, text: t(cornerKey) })));
  const colRow = el("tr", { class: "mx-cols" });
  const columns = [];
  const contextCols = new Set();
  for (const group of groups) {
    const context = group.context ? " mx-context-group" : "";
    groupRow.append(el("th", {
      class: `mx-group${context}`, colSpan: group.columns.length,
      attrs: { scope: "colgroup", title: group.title }, dataset: { group: group.key },
    }, groupName(group)));
    group.columns.forEach((column, i) => {
      columns.push(column);
      if (group.context) contextCols.add(column.key);
      colRow.append(el("th", {
        // Khmer is not read sideways: its short labels ("ទី១") stand upright
        class: `mx-col${context}${i === 0 ? " mx-first" : ""}${/[\u1780-\u17ff]/u.test(column.abbr) ? " mx-upright" : ""}`,
        attrs: { scope: "col", title: column.title }, dataset: { col: column.key },
      }, el("span", { class: "mx-col-name", text: column.abbr })));
    });
  }
  const firsts = new Set(groups.map((g) => g.columns[0] && g.columns[0].key));
  const body = el("tbody");
  for (const row of rows) {
    const tr = el("tr", { dataset: { row: row.key } },
      el("th", { class: "mx-row", attrs: { scope: "row" } },
        el("button", { type: "button", class: "mx-row-open", attrs: { title: row.text || null },
                       onclick: () => onOpen(row, null) },
          el("span", { class: "mx-row-clamp" },
            el("span", { class: "mx-row-label", text: row.label }),
            row.text ? el("span", { class: "mx-row-text", text: row.text }) : null))));
    for (const column of columns) {
      const td = cellButton(row, column, value(row, column), onOpen);
      if (firsts.has(column.key)) td.classList.add("mx-first");
      if (contextCols.has(column.key)) td.classList.add("mx-context-col");
      tr.append(td);
    }
    body.append(tr);
  }
  const table = el("table", { class: "matrix", id },
    el("caption", { class: "visually-hidden", i18n: captionKey, i18nVars: captionVars,
                    text: t(captionKey, captionVars) }),
    el("thead", {}, groupRow, colRow), body);
  const wrap = el("div", { class: "mx-wrap", attrs: { tabindex: "0", role: "region",
                                                       "aria-label": t(captionKey, captionVars) } }, table);
  wrap.addEventListener("scroll", () => hideTip(null), { passive: true });
  return wrap;
}

/** The legend: what each colour and letter means, then every column's full title by group. */
export function legend(groups) {
  const swatch = (verdict) => el("li", { class: "mx-key" },
    el("span", { class: `mx-cell mx-${verdict} mx-swatch`, attrs: { "aria-hidden": "true" } },
      el("span", { i18n: `abbr_${verdict}`, text: t(`abbr_${verdict}`) })),
    el("span", { i18n: `legend_${verdict}`, text: t(`legend_${verdict}`) }));
  const keys = el("ul", { class: "mx-keys" }, ...VERDICTS.map(swatch));
  if (groups.some((g) => g.context)) {
    keys.append(el("li", { class: "mx-key" },
      el("span", { class: "mx-cell mx-partial mx-context mx-swatch", attrs: { "aria-hidden": "true" } },
        el("span", { i18n: "abbr_partial", text: t("abbr_partial") })),
      el("span", { i18n: "legendContext", text: t("legendContext") })));
  }
  const columns = el("dl", { class: "mx-columns" });
  for (const group of groups) {
    columns.append(el("dt", { class: group.context ? "mx-context-group" : null },
      el("strong", { i18n: group.shortKey, text: group.short }),
      group.short !== group.title ? " — " : "",
      group.short !== group.title ? el("span", { i18n: group.titleKey, text: group.title }) : null));
    for (const column of group.columns) {
      columns.append(el("dd", { dataset: { col: column.key } },
        el("span", { class: "mx-abbr", text: column.abbr }), ` ${column.title}`));
    }
  }
  return el("div", { class: "mx-legend" }, keys,
    el("details", { class: "mx-columns-fold" },
      el("summary", { i18n: "columnKey", text: t("columnKey") }), columns));
}
