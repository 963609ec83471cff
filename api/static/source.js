// The source viewer: the page a citation / result / evidence comes from, with the cited span
// [start, end) highlighted and scrolled into view; PDFs also open in the browser's viewer at
// #page=N (an iframe here, and a link to a new tab).

import { documentDetail, fileObjectUrl, pageText, saveAs } from "./api.js";
import { getKey } from "./auth.js";
import { $, clear, cpToIndex, docPath, el, langAttr, scrollWithin, spinner } from "./dom.js";
import { documentInfo, isPdf, metaLine } from "./docs.js";
import { t } from "./i18n.js";

const panel = () => $("source-panel");
const body = () => $("source-body");
let opener = null;
let generation = 0;
let fileUrlCache = null;  // {docId, key, url}: the signed-in fetch of the open document's file

/**
 * Where the browser can open a document's original file. Without a key it is the file's own
 * URL; signed in, a link cannot send the Authorization header, so the file is fetched with it
 * and shown from an object URL (kept while the same document stays open).
 */
async function openableFileUrl(docId) {
  const key = getKey();
  if (!key) return `${docPath(docId)}/file`;
  if (fileUrlCache && fileUrlCache.docId === docId && fileUrlCache.key === key) {
    return fileUrlCache.url;
  }
  const { url } = await fileObjectUrl(docId);
  forgetFileUrl();
  fileUrlCache = { docId, key, url };
  return url;
}

function forgetFileUrl() {
  if (fileUrlCache) URL.revokeObjectURL(fileUrlCache.url);
  fileUrlCache = null;
}

/** A download link for a non-PDF original; signed in, the click fetches it with the key. */
function downloadLink(docId) {
  const fileUrl = `${docPath(docId)}/file`;
  return el("a", {
    href: fileUrl, download: "", class: "source-file-link",
    i18n: "openOriginal", text: t("openOriginal"),
    onclick: async (event) => {
      if (!getKey()) return;  // no key: the plain link works
      event.preventDefault();
      const link = event.currentTarget;
      link.setAttribute("aria-busy", "true");
      try {
        const { url } = await fileObjectUrl(docId);
        saveAs(url, docId.split("/").pop() || "document");
        setTimeout(() => URL.revokeObjectURL(url), 10_000);
      } catch (err) {
        link.after(el("span", { class: "error", attrs: { role: "alert" }, text: ` ${err.message}` }));
      } finally {
        link.removeAttribute("aria-busy");
      }
    },
  });
}

/** Where `quote` sits in `text`: exact first, then ignoring differences in whitespace. */
export function locate(text, quote) {
  if (!quote) return null;
  const exact = text.indexOf(quote);
  if (exact >= 0) return [exact, exact + quote.length];
  const words = quote.trim().split(/\s+/).filter(Boolean).slice(0, 60);
  if (!words.length) return null;
  const escaped = words.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  const match = new RegExp(escaped.join("\\s+")).exec(text);
  return match ? [match.index, match.index + match[0].length] : null;
}

/**
 * The [start, end) string indices of a passage in its page text: the API's code-point offsets
 * when they agree with the quote (or there is no quote), else wherever the quote is found.
 */
export function passageRange(text, { start, end, quote }) {
  if (Number.isInteger(start) && Number.isInteger(end) && end > start) {
    const s = cpToIndex(text, start);
    const e = cpToIndex(text, end);
    if (!quote || text.slice(s, e) === quote) return [s, e];
  }
  return locate(text, quote);
}

/**
 * Passage text with `range` marked, as nodes: the whole text, or a window of `context` chars,
 * kept inside `bounds` (the passage the quote was read from, so a page's running header or
 * footer never shows around it) when given.
 */
export function markedText(text, range, { context = null, markId = null, bounds = null } = {}) {
  const frag = document.createDocumentFragment();
  if (!range) {
    frag.append(context ? text.slice(0, context * 2) + (text.length > context * 2 ? "…" : "") : text);
    return frag;
  }
  let [s, e] = range;
  let from = 0;
  let to = text.length;
  if (context) {
    from = Math.max(0, s - context);
    to = Math.min(text.length, e + context);
    // do not cut words (or Khmer clusters) in half at the window's edges
    while (from > 0 && !/\s/.test(text[from - 1]) && s - from < context + 40) from -= 1;
    while (to < text.length && !/\s/.test(text[to]) && to - e < context + 40) to += 1;
    if (bounds) {
      from = Math.max(from, Math.min(bounds[0], s));
      to = Math.min(to, Math.max(bounds[1], e));
    }
  }
  if (from > 0) frag.append("…");
  frag.append(text.slice(from, s));
  frag.append(el("mark", { class: "cited", id: markId, text: text.slice(s, e) }));
  frag.append(text.slice(e, to));
  if (to < text.length) frag.append("…");
  return frag;
}

/**
 * How a page is cited: the i18n key and vars for "p. 12 (PDF p. 24)" when the number printed on
 * the page differs from its PDF position, else `plainKey` ("page 24" / "p. 24").
 */
export function pageRef(page, label, plainKey = "page") {
  return label && String(label) !== String(page)
    ? { key: "pagePrinted", vars: { n: page, label } }
    : { key: plainKey, vars: { n: page } };
}

/** The page part of a meta line, with its printed label when it has one. */
export function pageSpan(page, label) {
  const ref = pageRef(page, label);
  return el("span", { class: "meta-page", i18n: ref.key, i18nVars: ref.vars, text: t(ref.key, ref.vars) });
}

/**
 * Open a passage: {docId, page, pageLabel, start, end, quote, title, language, docType, date}.
 * `from` is the element that opened it (focus returns there on close).
 */
export async function openSource(passage, from = null) {
  const mine = ++generation;
  opener = from;
  const { docId, page } = passage;
  const info = documentInfo(docId) || {};
  const title = passage.title || info.title || docId;
  const section = panel();
  section.hidden = false;
  section.classList.add("open");
  $("source-empty").hidden = true;
  const target = clear(body());
  const heading = el("h3", { class: "source-title", lang: langAttr(info.language), text: title });
  const links = el("p", { class: "source-links" });
  const status = el("p", { class: "status", attrs: { role: "status" } },
                    spinner(), el("span", { i18n: "loading", text: t("loading") }));
  const pageBox = el("div", {
    class: "page-text", lang: langAttr(passage.language || info.language),
    attrs: { tabindex: "0", role: "region", "aria-label": `${title} — ${t("page", { n: page })}` },
  });
  const meta = (label) => el("p", { class: "source-meta" }, metaLine({
    docId, docType: passage.docType, date: passage.date, language: passage.language,
    extra: [pageSpan(page, label)] }));
  let metaBox = meta(passage.pageLabel);
  target.append(
    heading,
    metaBox,
    links,
    status,
    pageBox,
  );
  target.dataset.docId = docId;
  target.dataset.page = String(page);

  const focusHeading = () => $("source-heading").focus({ preventScroll: true });
  let detail = null;
  try {
    detail = await documentDetail(docId);
  } catch { /* the links are optional; the page text below still shows the passage */ }
  if (mine !== generation) return;
  if (isPdf(docId, detail)) {
    // Signed in, the file is fetched first (openableFileUrl); the page text does not wait.
    openableFileUrl(docId).then((fileUrl) => {
      if (mine !== generation) return;
      const pdfUrl = `${fileUrl}#page=${encodeURIComponent(page)}`;
      links.append(el("a", {
        href: pdfUrl, target: "_blank", rel: "noopener", class: "source-pdf-link",
        i18n: "openPdf", i18nVars: { n: page }, text: t("openPdf", { n: page }),
      }));
      links.after(el("iframe", {
        class: "pdf-frame", src: pdfUrl, title: `${title} — ${t("page", { n: page })}`,
        attrs: { loading: "lazy" },
      }));
    }).catch(() => { /* a 401 asks for a key; the page text below still shows the passage */ });
  } else if (detail) {
    // Non-PDF originals (HTML, DOCX, …) are offered as a download, never rendered on this
    // origin: an ingested HTML file could carry scripts.
    links.append(downloadLink(docId));
  }

  let text;
  try {
    const pageData = await pageText(docId, page);
    text = pageData.text;
    if (pageData.label && pageData.label !== passage.pageLabel && mine === generation) {
      const fresh = meta(pageData.label);  // the stored label, for passages that came without one
      metaBox.replaceWith(fresh);
      metaBox = fresh;
    }
  } catch (err) {
    if (mine !== generation) return;
    status.replaceChildren(el("span", { class: "error", attrs: { role: "alert" }, text: err.message }));
    return;
  }
  if (mine !== generation) return;
  const range = passageRange(text, passage);
  status.remove();
  if (!range && (passage.quote || Number.isInteger(passage.start))) {
    pageBox.before(el("p", { class: "hint", i18n: "passageNotLocated", text: t("passageNotLocated") }));
  }
  pageBox.append(markedText(text, range, { markId: "source-mark" }));
  focusHeading();
  const mark = $("source-mark");
  if (window.matchMedia("(max-width: 900px)").matches) {
    section.scrollIntoView({ block: "start" });  // the panel is below the content on a phone
  }
  // scroll the page box (not the whole window on a wide screen) so the mark is centred
  if (mark) scrollWithin(pageBox, mark, { align: "center" });
}

export function closeSource() {
  generation += 1;
  forgetFileUrl();
  clear(body());
  $("source-empty").hidden = false;
  panel().classList.remove("open");
  if (opener && opener.isConnected) opener.focus();
  opener = null;
}

export function initSource() {
  $("source-close").addEventListener("click", closeSource);
  panel().addEventListener("keydown", (event) => {
    if (event.key === "Escape" && panel().classList.contains("open")) closeSource();
  });
}
