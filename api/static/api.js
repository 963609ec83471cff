// Talking to the PolicyKB JSON API. Errors become ApiError with a readable message.

import { authHeaders, getKey, reportUnauthorized } from "./auth.js";
import { docPath } from "./dom.js";
import { t } from "./i18n.js";

export class ApiError extends Error {
  constructor(message, { status = 0, kind = "server" } = {}) {
    super(message);
    this.status = status;
    // "server" (non-2xx), "auth" (401: sign in), "network", "stream" (SSE error event),
    // "incomplete"
    this.kind = kind;
  }
}

/** The readable part of an error body: {"error", "detail"} or FastAPI's validation list. */
async function errorDetail(response) {
  let body;
  try {
    body = await response.json();
  } catch {
    return response.statusText || "";
  }
  const detail = body && body.detail;
  if (Array.isArray(detail)) {
    return detail.map((d) => `${(d.loc || []).slice(1).join(".")}: ${d.msg}`).join("; ");
  }
  if (typeof detail === "string") return detail;
  return body && body.error ? String(body.error) : JSON.stringify(body);
}

/** fetch() with the signed-in key; a 401 asks for a (new) key before it is thrown. */
async function checked(path, options = {}) {
  const sentKey = getKey();
  let response;
  try {
    response = await fetch(path, { ...options, headers: authHeaders(options.headers) });
  } catch (err) {
    if (err && err.name === "AbortError") throw err;
    throw new ApiError(t("errorNetwork"), { kind: "network" });
  }
  if (response.status === 401) {
    const detail = await errorDetail(response);
    reportUnauthorized({ sentKey, detail });
    throw new ApiError(t("errorUnauthorized", { detail }), { status: 401, kind: "auth" });
  }
  if (!response.ok) {
    const detail = await errorDetail(response);
    throw new ApiError(t("errorServer", { status: response.status, detail }),
                       { status: response.status });
  }
  return response;
}

/**
 * A source of abort signals where each new request cancels the one before it: a view that
 * shows one result at a time (search, alignment) never lets a slow older answer land last.
 */
export function latestOnly() {
  let controller = null;
  return () => {
    if (controller) controller.abort();
    controller = new AbortController();
    return controller.signal;
  };
}

export async function getJSON(path, { signal } = {}) {
  const response = await checked(path, { headers: { accept: "application/json" }, signal });
  return response.json();
}

export async function postJSON(path, body, { signal, accept = "application/json" } = {}) {
  return checked(path, {
    method: "POST",
    headers: { "content-type": "application/json", accept },
    body: JSON.stringify(body),
    signal,
  });
}

export async function postForJSON(path, body, options) {
  return (await postJSON(path, body, options)).json();
}

const pageCache = new Map();
const detailCache = new Map();

/** Forget what was read with the previous key (sign in / sign out). */
export function clearCaches() {
  pageCache.clear();
  detailCache.clear();
}

/** The text of page `page` of a document (cached; a citation opens it). */
export function pageText(docId, page) {
  const key = `${docId}\u0000${page}`;
  if (!pageCache.has(key)) {
    const promise = getJSON(`${docPath(docId)}/pages/${encodeURIComponent(page)}`);
    promise.catch(() => pageCache.delete(key));  // do not cache failures
    pageCache.set(key, promise);
  }
  return pageCache.get(key);
}

export function documentDetail(docId) {
  if (!detailCache.has(docId)) {
    const promise = getJSON(docPath(docId));
    promise.catch(() => detailCache.delete(docId));
    detailCache.set(docId, promise);
  }
  return detailCache.get(docId);
}

/**
 * POST /ask/stream and call handlers.onEvent(type, data) for each server-sent event as it
 * arrives (fetch + ReadableStream: EventSource cannot POST). Resolves with the `done` answer;
 * rejects with ApiError on a non-2xx status, a network failure, an `error` event, or a stream
 * that ends without `done`.
 */
export async function streamAnswer(body, { onEvent, signal }) {
  const response = await postJSON("/ask/stream", body, { signal, accept: "text/event-stream" });
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  let pendingCR = "";
  let answer = null;
  const dispatch = (block) => {
    let type = "message";
    const data = [];
    for (const line of block.split("\n")) {
      if (line.startsWith(":")) continue;  // comment / keep-alive
      const colon = line.indexOf(":");
      const field = colon < 0 ? line : line.slice(0, colon);
      let value = colon < 0 ? "" : line.slice(colon + 1);
      if (value.startsWith(" ")) value = value.slice(1);
      if (field === "event") type = value;
      else if (field === "data") data.push(value);
    }
    if (!data.length) return;
    let payload;
    try {
      payload = JSON.parse(data.join("\n"));
    } catch {
      throw new ApiError(t("errorStream", { detail: "malformed event" }), { kind: "stream" });
    }
    if (type === "error") {
      throw new ApiError(t("errorStream", { detail: payload.detail || "" }), { kind: "stream" });
    }
    if (type === "done") answer = payload.answer;
    onEvent(type, payload);
  };
  try {
    for (;;) {
      let chunk;
      try {
        chunk = await reader.read();
      } catch (err) {
        if (err && err.name === "AbortError") throw err;
        throw new ApiError(t("errorIncomplete"), { kind: "incomplete" });
      }
      if (chunk.done) break;
      // normalise CRLF / CR line ends; a CR at the end of a chunk may pair with the next LF
      let text = pendingCR + chunk.value;
      pendingCR = text.endsWith("\r") ? "\r" : "";
      if (pendingCR) text = text.slice(0, -1);
      buffer += text.replace(/\r\n?/g, "\n");
      let cut;
      while ((cut = buffer.indexOf("\n\n")) >= 0) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        dispatch(block);
      }
    }
    if (buffer.trim()) dispatch(buffer);
  } catch (err) {
    reader.cancel().catch(() => {});  // close the connection on an error event or abort
    throw err;
  }
  if (!answer) throw new ApiError(t("errorIncomplete"), { kind: "incomplete" });
  return answer;
}

/** POST and save the response body as a file (the alignment report as Markdown / CSV). */
export async function downloadPost(path, body, filename) {
  const response = await postJSON(path, body, { accept: "*/*" });
  const blob = await response.blob();
  const url = URL.createObjectURL(blob);
  saveAs(url, filename);
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** GET and save the response body as a file (a stored alignment report, by its id). */
export async function downloadGet(path, filename) {
  const response = await checked(path, { headers: { accept: "*/*" } });
  const blob = await response.blob();
  const url = URL.createObjectURL(blob);
  saveAs(url, filename);
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * The original file of a document fetched with the signed-in key, as an object URL (a plain
 * link cannot send the Authorization header). Only a PDF keeps its type, so the browser's
 * viewer can show it; anything else becomes an opaque download: an object URL has this
 * page's origin, and an ingested HTML file must never run here. Revoke the URL when done.
 */
export async function fileObjectUrl(docId) {
  const response = await checked(`${docPath(docId)}/file`, { headers: { accept: "*/*" } });
  const isPdf = (response.headers.get("content-type") || "").startsWith("application/pdf");
  const blob = await response.blob();
  const type = isPdf ? "application/pdf" : "application/octet-stream";
  return { url: URL.createObjectURL(new Blob([blob], { type })), isPdf };
}

/** Save `url` (an object URL) as `filename`. */
export function saveAs(url, filename) {
  const link = document.createElement("a");
  link.href = url;
  link.download = filename;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
}
