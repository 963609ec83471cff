// The chat: questions, answers streamed sentence by sentence with citation chips, the cited
// passages in the side panel, copy-with-citations, thumbs up / down feedback. A wait can be
// stopped and ends by itself after ASK_TIMEOUT_MS without an event; the question is kept.

import { ApiError, pageText, postForJSON, streamAnswer } from "./api.js";
import { bulletNodes, tidyBullets, tidyTextNodes } from "./bullets.js";
import { $, clear, cpToIndex, el, errorWithRetry, icon, langAttr, newId, scrollWithin, spinner } from "./dom.js";
import { documentInfo, metaLine } from "./docs.js";
import { getLang, t } from "./i18n.js";
import { watchQuestionLimit } from "./question_limit.js";
import { markedText, openSource, pageRef, pageSpan, passageRange } from "./source.js";

const MODE = "extractive";
// A wait with no event for this long ends with a message and Retry, not an endless spinner;
// window.POLICYKB_ASK_TIMEOUT_MS overrides it (tests, a slow generative deployment).
const ASK_TIMEOUT_MS = 30_000;
const turns = [];  // {id, question, answer, citations: Map, els: {...}, controller}
// The previous turns sent with a question, so that a follow-up ("What about its timeline?") is
// answered about the conversation's subject; within the server's bounds (AskRequestIn.history).
const HISTORY_TURNS = 8;
const HISTORY_ANSWER_CHARS = 4000;
let activeTurn = null;
let busy = false;
let questionLimit = null;  // watchQuestionLimit(): the question's length against the server's

function askTimeoutMs() {
  const override = Number(window.POLICYKB_ASK_TIMEOUT_MS);
  return override > 0 ? override : ASK_TIMEOUT_MS;
}

function syncSend() {
  $("ask-send").disabled = busy || Boolean(questionLimit && questionLimit.isOver());
}

// -- citations side panel ---------------------------------------------------------------------

function citationPassage(citation) {
  return {
    docId: citation.doc_id, page: citation.page, pageLabel: citation.page_label,
    start: citation.start, end: citation.end,
    quote: citation.quote, title: citation.title, language: citation.language,
    docType: citation.doc_type,
  };
}

function citationCard(turn, citation) {
  const passage = el("blockquote", { class: "cite-passage", lang: langAttr(citation.language) },
                     el("mark", { class: "cited" }, ...bulletNodes(citation.quote)));
  const open = (event) => {
    openSource(citationPassage(citation), event.currentTarget);
    selectCitation(turn, citation.id);
  };
  const card = el("li", {
    class: "cite-card", id: `cite-${turn.id}-${citation.id}`,
    dataset: { cite: citation.id, docId: citation.doc_id, page: citation.page },
  },
  el("div", { class: "cite-head" },
    el("span", { class: "cite-num", attrs: { "aria-hidden": "true" }, text: `[${citation.id}]` }),
    el("button", {
      type: "button", class: "cite-open linklike", lang: langAttr(documentInfo(citation.doc_id)?.language),
      onclick: open, text: citation.title,
      attrs: { "aria-describedby": `cite-${turn.id}-${citation.id}-meta` },
    })),
  el("p", { class: "cite-meta", id: `cite-${turn.id}-${citation.id}-meta` },
    metaLine({ docId: citation.doc_id, docType: citation.doc_type, language: citation.language,
               extra: [pageSpan(citation.page, citation.page_label)] })),
  passage);
  passage.addEventListener("click", () => card.querySelector(".cite-open").click());
  // the quote highlighted within its passage: a window of the page text around [start, end)
  pageText(citation.doc_id, citation.page).then(({ text }) => {
    const range = passageRange(text, citationPassage(citation));
    const { passage_start: ps, passage_end: pe } = citation;
    const bounds = Number.isInteger(ps) && Number.isInteger(pe) && pe > ps
      ? [cpToIndex(text, ps), cpToIndex(text, pe)] : null;
    if (range) {
      passage.replaceChildren(tidyTextNodes(markedText(text, range, { context: 180, bounds })));
    }
  }).catch(() => { /* the quote alone stays */ });
  return card;
}

function renderCitations(turn) {
  const list = clear($("citation-list"));
  $("citations-empty").hidden = Boolean(turn && turn.citations.size);
  if (!turn) return;
  for (const citation of [...turn.citations.values()].sort((a, b) => a.id - b.id)) {
    list.append(citationCard(turn, citation));
  }
}

function setActive(turn) {
  if (activeTurn === turn) return;
  activeTurn = turn;
  for (const other of turns) other.els.answer.classList.toggle("active", other === turn);
  renderCitations(turn);
}

function selectCitation(turn, id) {
  setActive(turn);
  for (const card of $("citation-list").children) {
    card.classList.toggle("current", card.dataset.cite === String(id));
  }
  scrollWithin($("citations-panel"), $(`cite-${turn.id}-${id}`), { align: "start" });
}

function addCitation(turn, citation) {
  if (turn.citations.has(citation.id)) return;
  turn.citations.set(citation.id, citation);
  if (activeTurn === turn) {
    $("citations-empty").hidden = true;
    $("citation-list").append(citationCard(turn, citation));
  }
}

function chip(turn, citation) {
  return el("button", {
    type: "button", class: "chip", text: `[${citation.id}]`,
    dataset: { cite: citation.id },
    attrs: { "data-i18n-aria-label": "sourceLabel",
             "data-i18n-vars": JSON.stringify({ n: citation.id, title: citation.title, page: citation.page }),
             "aria-label": t("sourceLabel", { n: citation.id, title: citation.title, page: citation.page }) },
    onclick: (event) => {
      openSource(citationPassage(turn.citations.get(citation.id) || citation), event.currentTarget);
      selectCitation(turn, citation.id);  // after: opening the source resizes the list
    },
  });
}

// -- one answer -------------------------------------------------------------------------------

function cleanQuote(quote) {
  return tidyBullets(quote).replace(/^\s*(?:[-*•]|#+)\s+/, "").replace(/\s+/g, " ").trim();
}

export function answerWithReferences(answer) {
  const refs = answer.citations.map((c) => {
    const page = pageRef(c.page, c.page_label, "pageShort");
    return `[${c.id}] ${c.title}, ${t(page.key, page.vars)} — ${cleanQuote(c.quote)}`;
  });
  const text = tidyBullets(answer.answer);
  return refs.length ? `${text}\n\n${refs.join("\n")}` : text;
}

async function copyText(text) {
  if (navigator.clipboard && window.isSecureContext) {
    await navigator.clipboard.writeText(text);
    return;
  }
  const area = el("textarea", { value: text, attrs: { readonly: "", "aria-hidden": "true" }, class: "offscreen" });
  document.body.append(area);
  area.select();
  const ok = document.execCommand("copy");
  area.remove();
  if (!ok) throw new Error("copy failed");
}

function feedbackControls(turn) {
  const status = el("span", { class: "feedback-status", attrs: { role: "status" } });
  const comment = el("textarea", { id: `comment-${turn.id}`, rows: 2, maxLength: 2000, class: "comment" });
  const commentForm = el("form", { class: "comment-form", hidden: true },
    el("label", { for: `comment-${turn.id}`, i18n: "commentLabel", text: t("commentLabel") }),
    comment,
    el("button", { type: "submit", class: "secondary", i18n: "commentSend", text: t("commentSend") }));
  const buttons = {};
  const send = async (rating, withComment) => {
    // within the server's field limits (it refuses, rather than cuts, oversized fields)
    const body = {
      id: turn.feedbackId, question: turn.question.slice(0, 2000),
      answer: turn.answer.answer.slice(0, 20_000), mode: MODE, rating, ui_language: getLang(),
      citations: turn.answer.citations.slice(0, 50).map((c) => ({
        id: c.id, doc_id: c.doc_id, title: c.title.slice(0, 500), page: c.page, start: c.start,
        end: c.end, quote: c.quote.slice(0, 2000), language: c.language,
      })),
    };
    if (withComment && comment.value.trim()) body.comment = comment.value.trim();
    try {
      await postForJSON("/feedback", body);
      turn.rating = rating;
      for (const [name, button] of Object.entries(buttons)) {
        button.setAttribute("aria-pressed", String(name === rating));
      }
      status.setAttribute("data-i18n", withComment ? "commentSaved" : "feedbackThanks");
      status.textContent = t(withComment ? "commentSaved" : "feedbackThanks");
      status.className = "feedback-status ok";
      commentForm.hidden = false;
    } catch (err) {
      status.removeAttribute("data-i18n");
      status.textContent = `${t("feedbackFailed")} ${err.message}`;
      status.className = "feedback-status error";
    }
  };
  for (const [rating, key] of [["up", "helpful"], ["down", "notHelpful"]]) {
    buttons[rating] = el("button", {
      type: "button", class: `thumb thumb-${rating}`,
      attrs: { "aria-pressed": "false", "data-i18n-aria-label": key, "aria-label": t(key),
               "data-i18n-title": key, title: t(key) },
      onclick: () => send(rating, false),
    }, icon(rating));
  }
  commentForm.addEventListener("submit", (event) => {
    event.preventDefault();
    send(turn.rating || "down", true);
  });
  return el("div", { class: "feedback" }, buttons.up, buttons.down, status, commentForm);
}

function finish(turn, answer) {
  turn.answer = answer;
  const { answer: box, status, sentences } = turn.els;
  status.remove();
  box.removeAttribute("aria-busy");
  for (const citation of answer.citations) addCitation(turn, citation);
  const about = answeringAbout(answer);
  if (about) box.insertBefore(about, box.querySelector(".note") || sentences);
  if (!answer.found) {
    box.classList.add("not-found");
    if (!sentences.textContent.trim()) {
      sentences.append(el("span", { class: "sentence", i18n: "notFound", text: t("notFound") }));
    }
    if (answer.closest_documents && answer.closest_documents.length) {
      const list = el("ul", { class: "closest" });
      for (const doc of answer.closest_documents) {
        list.append(el("li", {},
          el("button", {
            type: "button", class: "linklike", lang: langAttr(documentInfo(doc.doc_id)?.language),
            text: `${doc.title} (${t("pageShort", { n: doc.page })})`,
            onclick: (event) => openSource({ docId: doc.doc_id, page: doc.page, title: doc.title },
                                           event.currentTarget),
          })));
      }
      box.append(el("div", { class: "closest-docs" },
        el("p", { i18n: "closestDocuments", text: t("closestDocuments") }), list));
    }
  }
  const copyStatus = el("span", { class: "copy-status", attrs: { role: "status" } });
  const copy = el("button", {
    type: "button", class: "secondary copy", i18n: "copyAnswer", text: t("copyAnswer"),
    onclick: async () => {
      try {
        await copyText(answerWithReferences(answer));
        copyStatus.setAttribute("data-i18n", "copied");
        copyStatus.textContent = t("copied");
      } catch {
        copyStatus.setAttribute("data-i18n", "copyFailed");
        copyStatus.textContent = t("copyFailed");
      }
    },
  });
  box.append(el("div", { class: "answer-actions" }, copy, copyStatus, feedbackControls(turn)));
}

/** The answered turns of the current conversation, as POST /ask's `history`. */
function conversationHistory() {
  return turns.filter((turn) => turn.answer).slice(-HISTORY_TURNS).map((turn) => ({
    question: turn.question,
    answer: turn.answer.answer.slice(0, HISTORY_ANSWER_CHARS),
    citations: turn.answer.citations.slice(0, 50).map((c) => ({ doc_id: c.doc_id, page: c.page })),
  }));
}

/** "Answering about: <title>" when the server read the question as a follow-up. */
function answeringAbout(answer) {
  const conversation = answer.conversation;
  if (!conversation || !conversation.follow_up) return null;
  const docs = conversation.carried_documents || [];
  const subject = docs.length ? docs.map((doc) => doc.title).join("; ") : conversation.subject;
  if (!subject) return null;
  return el("p", { class: "answering-about", attrs: { title: conversation.resolved_question || "" } },
    el("span", { i18n: "answeringAbout", text: t("answeringAbout") }), " ",
    el("span", { class: "about-subject", dir: "auto", text: subject }));
}

function retry(turn) {
  turn.els.answer.remove();
  turns.splice(turns.indexOf(turn), 1);
  if (activeTurn === turn) { activeTurn = null; renderCitations(null); }
  const input = $("question");
  if (input.value.trim() === turn.question) {  // the kept copy is being sent again
    input.value = "";
    questionLimit?.update();
  }
  ask(turn.question, turn.els.question);
}

function fail(turn, err) {
  const { answer: box, status } = turn.els;
  status.remove();
  box.removeAttribute("aria-busy");
  box.classList.add("failed");
  const message = err instanceof ApiError ? err.message : `${t("errorIncomplete")} ${err.message || ""}`;
  box.append(errorWithRetry(message, () => retry(turn), { block: true }));
}

/** End a wait on purpose: `reason` is "stop" (the Stop button) or "timeout". */
function halt(turn, reason) {
  if (turn.halted || turn.answer) return;
  turn.halted = reason;
  turn.controller.abort();
}

/** After halt(): say why, offer Retry on a timeout, and give the question back for editing. */
function halted(turn) {
  const { answer: box, status } = turn.els;
  status.remove();
  box.removeAttribute("aria-busy");
  box.classList.add(turn.halted === "timeout" ? "failed" : "stopped");
  if (turn.halted === "timeout") {
    box.append(errorWithRetry(t("errorTimeout"), () => retry(turn), { block: true }));
  } else {
    box.append(el("p", { class: "stopped-note", i18n: "stopped", text: t("stopped") }));
  }
  const input = $("question");
  if (!input.value.trim()) {
    input.value = turn.question;
    questionLimit?.update();
  }
  input.focus();
}

async function ask(question, questionBubble = null) {
  if (busy) return;
  busy = true;
  syncSend();
  $("conversation-empty")?.remove();
  const log = $("conversation");
  const history = conversationHistory();  // before this turn joins them
  const turn = {
    id: newId().slice(0, 10), feedbackId: newId(), question, answer: null,
    citations: new Map(), controller: new AbortController(),
  };
  const qBubble = questionBubble || el("div", { class: "msg question" },
    el("span", { class: "who", i18n: "you", text: t("you") }),
    el("p", { class: "q-text", dir: "auto", text: question }));
  const status = el("p", { class: "status", attrs: { role: "status" } },
    spinner(), el("span", { i18n: "searching", text: t("searching") }),
    el("button", { type: "button", class: "secondary stop", i18n: "stop", text: t("stop"),
                   onclick: () => halt(turn, "stop") }));
  const sentences = el("p", { class: "sentences" });
  const box = el("article", { class: "msg answer", attrs: { "aria-busy": "true" } },
    el("span", { class: "who", i18n: "assistant", text: t("assistant") }), status, sentences);
  turn.els = { question: qBubble, answer: box, status, sentences };
  if (!questionBubble) log.append(qBubble);
  qBubble.after(box);
  turns.push(turn);
  setActive(turn);
  scrollWithin(log, box);

  let timer = null;
  const watch = () => {  // (re)start the wait for the next event
    clearTimeout(timer);
    timer = setTimeout(() => halt(turn, "timeout"), askTimeoutMs());
  };
  watch();
  try {
    const answer = await streamAnswer({ question, mode: MODE, history }, {
      signal: turn.controller.signal,
      onEvent(type, data) {
        watch();
        if (type === "start") {
          if (langAttr(data.language)) box.lang = data.language;
        } else if (type === "note" && data.text) {
          box.insertBefore(el("p", { class: "note" },
            el("strong", { i18n: "note", text: t("note") }), " ",
            el("span", { text: tidyBullets(data.text) })),
          sentences);
        } else if (type === "sentence") {
          if (sentences.childNodes.length) sentences.append(" ");
          sentences.append(el("span", { class: "sentence" }, ...bulletNodes(data.text)));
          for (const citation of data.citations || []) {
            const full = typeof citation === "object" ? citation : turn.citations.get(citation);
            if (!full) continue;
            addCitation(turn, full);
            sentences.append(" ", chip(turn, full));
          }
          scrollWithin(log, box);
        }
      },
    });
    finish(turn, answer);
  } catch (err) {
    if (err && err.name === "AbortError") {
      if (turn.halted && turns.includes(turn)) halted(turn);  // else: reset while streaming
      return;
    }
    fail(turn, err);
  } finally {
    clearTimeout(timer);
    if (turns.includes(turn) || !turn.controller.signal.aborted) {
      busy = false;
      syncSend();
    }
  }
}

function reset() {
  for (const turn of turns) turn.controller.abort();
  turns.length = 0;
  activeTurn = null;
  busy = false;
  clear($("conversation")).append(el("p", {
    id: "conversation-empty", class: "empty", i18n: "emptyConversation", text: t("emptyConversation"),
  }));
  renderCitations(null);
  $("question").value = "";
  questionLimit?.update();  // also enables the send button again
  $("question").focus();
}

export function initChat() {
  const form = $("ask-form");
  const input = $("question");
  questionLimit = watchQuestionLimit(input, syncSend);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const question = input.value.trim();
    if (!question || busy || questionLimit.isOver()) return;
    input.value = "";
    questionLimit.update();
    ask(question);
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  $("reset").addEventListener("click", reset);
}
