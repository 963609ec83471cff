// The indexed documents' metadata (GET /documents), loaded once and shared by the views.

import { getJSON } from "./api.js";
import { el } from "./dom.js";
import { t } from "./i18n.js";

export const DOC_TYPES = ["policy", "law_regulation", "meeting_record", "news", "plan_draft", "other"];

let documents = new Map();
let loading = null;

export function loadDocuments({ force = false } = {}) {
  if (!loading || force) {
    loading = getJSON("/documents").then((list) => {
      documents = new Map(list.map((doc) => [doc.doc_id, doc]));
      return documents;
    });
    loading.catch(() => { loading = null; });
  }
  return loading;
}

export function documentInfo(docId) {
  return documents.get(docId);
}

export function allDocuments() {
  return [...documents.values()];
}

export function typeLabel(docType) {
  return docType ? t(`type_${docType}`) : "";
}

export function languageLabel(language) {
  return language ? t(`lang_${language}`) : "";
}

/**
 * "Policy · English · 2024-03-15 · page 3" for a passage, as a <span> whose parts re-translate
 * when the interface language changes (fields missing from the passage come from the catalog).
 */
export function metaLine({ docId, docType, date, page, language, extra = [] }) {
  const info = documentInfo(docId) || {};
  const type = docType || info.doc_type;
  const lang = language || info.language;
  const parts = [
    type ? el("span", { class: "meta-type", i18n: `type_${type}`, text: typeLabel(type) }) : null,
    lang && lang !== "mixed"
      ? el("span", { class: "meta-lang", i18n: `lang_${lang}`, text: languageLabel(lang) }) : null,
    date || info.date ? el("span", { class: "meta-date", text: date || info.date }) : null,
    page ? el("span", { class: "meta-page", i18n: "page", i18nVars: { n: page },
                        text: t("page", { n: page }) }) : null,
    ...extra,
  ].filter(Boolean);
  const line = el("span", { class: "meta" });
  parts.forEach((part, i) => {
    if (i) line.append(" · ");
    line.append(part);
  });
  return line;
}

export function isPdf(docId, detail) {
  const name = (detail && detail.source) || docId;
  return /\.pdf$/i.test(name);
}
