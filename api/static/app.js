// PolicyKB web page: wiring of the views (ask / search / alignment), tabs and language switch.

import { fillAlignmentDocuments, initAlignment, relabelCells, relabelGroups } from "./alignment.js";
import { initChat } from "./chat.js";
import { loadDocuments } from "./docs.js";
import { $, errorWithRetry } from "./dom.js";
import { applyI18n, getLang, onLangChange, setLang } from "./i18n.js";
import { fillSearchFilters, initSearch } from "./search.js";
import { initSignIn } from "./signin.js";
import { initSource } from "./source.js";

const VIEWS = ["ask", "search", "align"];

function showView(name, { focus = false } = {}) {
  if (!VIEWS.includes(name)) name = "ask";
  for (const view of VIEWS) {
    const tab = $(`tab-${view}`);
    const selected = view === name;
    tab.setAttribute("aria-selected", String(selected));
    tab.tabIndex = selected ? 0 : -1;
    $(`view-${view}`).hidden = !selected;
  }
  document.body.dataset.view = name;
  $("citations-panel").hidden = name !== "ask";
  if (focus) $(`tab-${name}`).focus();
  if (location.hash !== `#${name}`) history.replaceState(null, "", `#${name}`);
}

function initTabs() {
  for (const view of VIEWS) {
    $(`tab-${view}`).addEventListener("click", () => showView(view));
  }
  // arrow keys move between tabs (WAI-ARIA tabs pattern); Tab moves into the panel
  $("tabs").addEventListener("keydown", (event) => {
    const current = VIEWS.indexOf(document.body.dataset.view);
    let next = null;
    if (event.key === "ArrowRight") next = (current + 1) % VIEWS.length;
    else if (event.key === "ArrowLeft") next = (current + VIEWS.length - 1) % VIEWS.length;
    else if (event.key === "Home") next = 0;
    else if (event.key === "End") next = VIEWS.length - 1;
    if (next === null) return;
    event.preventDefault();
    showView(VIEWS[next], { focus: true });
  });
  window.addEventListener("hashchange", () => showView(location.hash.slice(1)));
  showView(location.hash.slice(1) || "ask");
}

function syncLangButtons() {
  for (const button of document.querySelectorAll("[data-set-lang]")) {
    button.setAttribute("aria-pressed", String(button.dataset.setLang === getLang()));
  }
}

function initLanguage() {
  for (const button of document.querySelectorAll("[data-set-lang]")) {
    button.addEventListener("click", () => setLang(button.dataset.setLang));
  }
  onLangChange(() => {
    syncLangButtons();
    relabelGroups();
    relabelCells();
  });
  applyI18n(document);
  syncLangButtons();
}

async function initDocuments({ force = false } = {}) {
  try {
    await loadDocuments({ force });
    fillSearchFilters();
    fillAlignmentDocuments();
  } catch (err) {
    const banner = $("global-error");
    errorWithRetry(err.message, () => { banner.hidden = true; initDocuments(); },
                   { into: banner });
    banner.hidden = false;
  }
}

initLanguage();
initTabs();
initSource();
initChat();
initSearch();
initAlignment();
// after a sign-in: what failed without a key (the document list, filters) loads again
const signedIn = initSignIn({ onSignedIn: () => {
  $("global-error").hidden = true;
  initDocuments({ force: true });
} });
Promise.allSettled([signedIn, initDocuments()]).finally(() => {
  document.body.dataset.ready = "true";
});
