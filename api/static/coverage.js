// Coverage across plans (GET /alignment/coverage): plans × national strategies in the same heat
// map as one plan's alignment (rows are plans), with the strategies no plan addresses listed
// first and the plans that overlap after the map. The question a coordinating ministry asks.

import { getJSON, latestOnly } from "./api.js";
import { $, clear, el, errorWithRetry, langAttr, spinner } from "./dom.js";
import { allDocuments } from "./docs.js";
import { t } from "./i18n.js";
import { heatMap, legend, shortLabel, shortTitle } from "./matrix.js";

const PLAN_TYPES = ["plan_draft", "meeting_record"];
const nextSignal = latestOnly();

/** The checkbox list of plans and meeting records; plan drafts are ticked (the server's default). */
export function fillCoverageDocuments() {
  const box = $("coverage-docs");
  if (!box) return;
  const ticked = new Set([...box.querySelectorAll("input:checked")].map((i) => i.value));
  const fresh = !box.childElementCount;
  const docs = allDocuments().filter((d) => PLAN_TYPES.includes(d.doc_type) && !d.doc_id.includes("#"))
    .sort((a, b) => PLAN_TYPES.indexOf(a.doc_type) - PLAN_TYPES.indexOf(b.doc_type)
      || a.title.localeCompare(b.title));
  box.replaceChildren(...docs.map((doc) => el("label", { class: "check" },
    el("input", { type: "checkbox", value: doc.doc_id,
                  checked: fresh ? doc.doc_type === "plan_draft" : ticked.has(doc.doc_id),
                  onchange: syncPicked }),
    el("span", { lang: langAttr(doc.language), text: doc.title }),
    el("span", { class: "check-type", i18n: `type_${doc.doc_type}`, text: t(`type_${doc.doc_type}`) }))));
  syncPicked();
}

function picked() {
  return [...$("coverage-docs").querySelectorAll("input:checked")].map((i) => i.value);
}

function syncPicked() {
  const n = picked().length;
  const key = n ? "coveragePicked" : "coveragePickedDefault";
  const span = $("coverage-picked");
  span.setAttribute("data-i18n", key);
  span.setAttribute("data-i18n-vars", JSON.stringify({ n }));
  span.textContent = t(key, { n });
}

/** Heat-map groups: policies with text in the order given, then one context group. */
function groups(view) {
  const byKey = new Map();
  for (const s of view.strategies) {
    const key = s.hand_entered ? "context" : s.policy_id;
    if (!byKey.has(key)) {
      byKey.set(key, s.hand_entered
        ? { key, short: t("contextGroup"), shortKey: "contextGroup", title: t("contextGroupTitle"),
            titleKey: "contextGroupTitle", context: true, columns: [] }
        : { key, short: shortTitle(s.policy_title), title: s.policy_title, context: false, columns: [] });
    }
    const group = byKey.get(key);
    group.columns.push({
      key: s.strategy_id,
      abbr: s.hand_entered ? `${shortTitle(s.policy_title)} ${shortLabel(s.title)}` : shortLabel(s.title),
      title: s.hand_entered ? `${s.policy_title} — ${s.title}` : s.title,
    });
  }
  const list = [...byKey.values()];
  return [...list.filter((g) => !g.context), ...list.filter((g) => g.context)];
}

function countsLine(view) {
  const aligned = view.plans.filter((p) => !p.note).length;
  const withText = view.strategies.filter((s) => !s.hand_entered).length;
  const chip = (key, vars, cls) => el("li", { class: `count ${cls}`, dataset: { count: key } },
    el("span", { i18n: key, i18nVars: vars, text: t(key, vars) }));
  return el("ul", { class: "report-counts" },
    chip("coverageCountPlans", { n: aligned, total: view.plans.length }, "count-all"),
    chip("coverageCountAddressed", { n: withText - view.unaddressed.length, total: withText }, "verdict-strong"),
    chip("coverageCountUnaddressed", { n: view.unaddressed.length }, view.unaddressed.length ? "count-gap" : "verdict-none"),
    chip("coverageCountOverlaps", { n: view.overlaps.length }, "verdict-partial"));
}

function unaddressedSection(view) {
  const missing = new Set(view.unaddressed);
  const byPolicy = new Map();
  for (const s of view.strategies) {
    if (!missing.has(s.strategy_id)) continue;
    if (!byPolicy.has(s.policy_title)) byPolicy.set(s.policy_title, []);
    byPolicy.get(s.policy_title).push(s);
  }
  const notes = view.plans.filter((p) => p.note);
  return el("section", { class: "align-gaps coverage-gaps" },
    el("h4", { i18n: "coverageUnaddressed", text: t("coverageUnaddressed") }),
    byPolicy.size ? el("div", { class: "unaddressed-groups" }, ...[...byPolicy].map(([policy, list]) =>
      el("div", { class: "unaddressed-group", dataset: { policy } },
        el("h5", {}, el("abbr", { title: policy, text: shortTitle(policy) }), ` — ${policy} (${list.length})`),
        el("ul", { class: "unaddressed-list" }, ...list.map((s) => el("li", { dataset: { strategy: s.strategy_id } },
          el("span", { class: "mx-abbr", text: shortLabel(s.title) }), " ", s.title.replace(/^[^:៖]*[:៖]\s*/, "")))))))
      : el("p", { class: "empty", i18n: "unaddressedNone", text: t("unaddressedNone") }),
    notes.length ? el("div", { class: "coverage-notes" },
      el("h5", { i18n: "coverageNotAligned", text: t("coverageNotAligned") }),
      el("ul", {}, ...notes.map((p) => el("li", { dataset: { plan: p.doc_id } },
        el("strong", { text: p.title }), `: ${p.note}`)))) : null);
}

function overlapsSection(view) {
  const title = new Map(view.plans.map((p) => [p.doc_id, p.title]));
  const name = new Map(view.strategies.map((s) => [s.strategy_id, s]));
  return el("section", { class: "coverage-overlaps" },
    el("h4", { i18n: "coverageOverlaps", text: t("coverageOverlaps") }),
    view.overlaps.length ? el("ul", {}, ...view.overlaps.map((o) => el("li", { dataset: { plans: o.plans.join(" | ") } },
      el("strong", { text: o.plans.map((id) => title.get(id) || id).join(" + ") }), ": ",
      ...o.strategies.flatMap((id, i) => [i ? ", " : "", el("abbr", {
        title: name.get(id) ? name.get(id).title : id,
        text: name.get(id) ? `${shortTitle(name.get(id).policy_title)} ${shortLabel(name.get(id).title)}` : id })]))))
      : el("p", { class: "empty", i18n: "coverageNoOverlaps", text: t("coverageNoOverlaps") }));
}

/** The plan behind a row: its mechanisms and, per strategy it reaches, the mechanism that does. */
function planDetail(view, plan) {
  const reached = view.strategies.map((s) => [s, s.plans.find((c) => c.doc_id === plan.doc_id)])
    .filter(([, c]) => c && c.verdict !== "none");
  return el("div", { class: "coverage-plan", dataset: { plan: plan.doc_id } },
    el("h5", { text: plan.title }),
    reached.length ? el("ul", {}, ...reached.map(([s, c]) => el("li", { dataset: { strategy: s.strategy_id } },
      el("strong", { text: s.title }), ` — ${t(`verdict_${c.verdict}`)} ${Number(c.score).toFixed(2)}`,
      c.mechanism ? el("span", { class: "coverage-mech", text: ` ← ${c.mechanism}` }) : null)))
      : el("p", { class: "empty", text: plan.note || t("coverageNothingReached") }));
}

export function renderCoverage(out, view) {
  clear(out);
  if (!view.plans.length) {
    out.append(el("p", { class: "empty", i18n: "coverageNoPlans", text: t("coverageNoPlans") }));
    return;
  }
  const cells = new Map();
  for (const s of view.strategies) {
    for (const c of s.plans) {
      cells.set(`${c.doc_id}\u241f${s.strategy_id}`, {
        verdict: c.verdict, score: c.verdict === "none" ? null : c.score, context: s.hand_entered,
        detail: c.mechanism || null });
    }
  }
  const columns = groups(view);
  const detail = el("div", { class: "coverage-detail", attrs: { "aria-live": "polite" } });
  const rows = view.plans.map((p, i) => ({ key: p.doc_id, label: `${i + 1}.`, text: p.title }));
  const map = heatMap({
    id: "coverage-matrix", captionKey: "coverageCaption", cornerKey: "coveragePlan", rows,
    groups: columns,
    value: (row, column) => cells.get(`${row.key}\u241f${column.key}`) || null,
    onOpen: (row, column) => {  // the plan's strategies and mechanisms; the clicked one marked
      detail.replaceChildren(planDetail(view, view.plans.find((p) => p.doc_id === row.key)));
      const item = column ? [...detail.querySelectorAll("li")].find((li) => li.dataset.strategy === column.key) : null;
      if (item) item.classList.add("current");
      detail.scrollIntoView({ block: "nearest" });
    },
  });
  out.append(countsLine(view), unaddressedSection(view), map, legend(columns), detail,
             overlapsSection(view));
}

async function run() {
  const status = clear($("coverage-status"));
  const out = clear($("coverage-result"));
  const ids = picked();
  const query = ids.length ? `?doc_ids=${encodeURIComponent(ids.join(","))}` : "";
  status.append(spinner(), el("span", { i18n: "coverageRunning", text: t("coverageRunning") }));
  try {
    const view = await getJSON(`/alignment/coverage${query}`, { signal: nextSignal() });
    clear(status);
    renderCoverage(out, view);
  } catch (err) {
    if (err && err.name === "AbortError") return;
    clear(status).append(errorWithRetry(err.message, run));
  }
}

export function initCoverage() {
  const button = $("coverage-run");
  if (button) button.addEventListener("click", run);
}
