// Alignment: a plan's / meeting record's mechanisms against the national policies' strategies.

import { ApiError, downloadGet, postJSON } from "./api.js";
import { renderReport } from "./alignment_report.js";
import { fillCoverageDocuments, initCoverage } from "./coverage.js";
import { $, clear, el, errorWithRetry, langAttr, spinner } from "./dom.js";
import { DOC_TYPES, allDocuments, documentInfo } from "./docs.js";
import { t } from "./i18n.js";
// Meeting records and plan drafts are what gets checked; list them first.
const TYPE_ORDER = ["meeting_record", "plan_draft", ...DOC_TYPES.filter(
  (type) => type !== "meeting_record" && type !== "plan_draft")];
let lastBody = null;
let lastResult = null;  // { id, body }: what the download buttons fetch, by id, not recomputed
let running = null;  // the AbortController of the alignment in progress (Stop aborts it)

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
  fillCoverageDocuments();
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

/**
 * POST /alignment/stream and read its NDJSON events: onProgress({done, total, mechanism}) for
 * each mechanism, then resolve with the `result` event ({result_id, report}). Rejects with
 * ApiError on a non-2xx status, an `error` event, or a stream that ends without a result;
 * aborting `signal` closes the connection, which stops the work on the server.
 */
async function streamAlignment(body, { onProgress, signal }) {
  const response = await postJSON("/alignment/stream", body, { signal, accept: "application/x-ndjson" });
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  let result = null;
  const handle = (line) => {
    if (!line.trim()) return;
    const event = JSON.parse(line);
    if (event.event === "progress") onProgress(event);
    else if (event.event === "result") result = event;
    else if (event.event === "error") {
      throw new ApiError(t("errorServer", { status: event.status, detail: event.detail }),
                         { status: event.status, kind: "stream" });
    }
  };
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    let newline;
    while ((newline = buffer.indexOf("\n")) >= 0) {
      handle(buffer.slice(0, newline));
      buffer = buffer.slice(newline + 1);
    }
  }
  handle(buffer);
  if (!result) throw new ApiError(t("errorIncomplete"), { kind: "incomplete" });
  return result;
}

function progressLine(event) {
  const k = Math.min(event.done + 1, event.total);
  const text = event.done < event.total && event.mechanism ? event.mechanism.text : "";
  return el("span", { class: "align-progress", dataset: { done: event.done, total: event.total } },
    el("span", { i18n: "alignProgress", i18nVars: { k, n: event.total },
                 text: t("alignProgress", { k, n: event.total }) }),
    text ? el("span", { class: "align-progress-mech", text: `: ${text}` }) : null);
}

function stopRun() {
  if (!running) return;
  running.abort();
  running = null;
  clear($("align-status")).append(el("span", { i18n: "alignStopped", text: t("alignStopped") }));
}

async function run(body) {
  lastBody = body;
  lastResult = null;
  if (running) running.abort();
  const controller = new AbortController();
  running = controller;
  const status = clear($("align-status"));
  clear($("align-result"));
  $("align-downloads").hidden = true;
  const progress = el("span", { id: "align-progress" },
    el("span", { i18n: "aligning", text: t("aligning") }));
  const stop = el("button", { type: "button", id: "align-stop", class: "secondary stop",
                              i18n: "stop", text: t("stop"), onclick: stopRun });
  status.append(spinner(), progress, " ", stop);
  try {
    const result = await streamAlignment({ ...body, format: "json" }, {
      signal: controller.signal,
      onProgress: (event) => { if (running === controller) progress.replaceChildren(progressLine(event)); },
    });
    if (running !== controller) return;
    running = null;
    clear(status);
    lastResult = { id: result.result_id, body };
    const docName = body.doc_id ? (documentInfo(body.doc_id)?.title || body.doc_id) : t("pastedText");
    renderReport($("align-result"), result.report, docName);
    $("align-downloads").hidden = false;
  } catch (err) {
    if (err && err.name === "AbortError") return;
    if (running !== controller) return;
    running = null;
    clear(status).append(errorWithRetry(err.message, () => run(lastBody)));
  }
}

function fileStem(body) {
  const base = body.doc_id ? body.doc_id.split("/").pop().replace(/\.[^.]+$/, "") : "pasted-text";
  return `alignment-${base.replace(/[^\w.-]+/g, "_")}`;
}

function downloadButtons() {
  return [...document.querySelectorAll("#align-downloads button")];
}

/** The report already shown, fetched by its id in `format`: nothing is computed again. */
async function download(format) {
  if (!lastResult) return;
  const { id, body } = lastResult;
  const status = $("align-download-status");
  const buttons = downloadButtons();
  for (const button of buttons) button.disabled = true;
  status.textContent = t("downloading");
  try {
    await downloadGet(`/alignment/results/${encodeURIComponent(id)}?format=${format}`,
                      `${fileStem(body)}.${format}`);
    status.textContent = "";
  } catch (err) {
    status.textContent = err.message;
  } finally {
    for (const button of buttons) button.disabled = false;
  }
}

function syncMode() {
  const fromText = $("align-mode-text").checked;
  $("align-doc-field").hidden = fromText;
  $("align-text-field").hidden = !fromText;
}

export function initAlignment() {
  initCoverage();
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
  for (const button of downloadButtons()) {  // download-md, download-csv, download-docx, ...
    const format = button.id.replace(/^download-/, "");
    button.addEventListener("click", () => download(format));
  }
}

/** Table cells carry their column name for the stacked phone layout; re-translate it. */
export function relabelCells() {
  for (const node of document.querySelectorAll("[data-label-key]")) {
    node.setAttribute("data-label", t(node.getAttribute("data-label-key")));
  }
}
