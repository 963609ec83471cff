// The question's length against the server's limit (POLICYKB_MAX_QUERY_CHARS, published as the
// question field's maxLength in /openapi.json). A pasted text that is too long is explained in
// plain words before it is sent, and kept for shortening, instead of being cut by a maxlength
// attribute or refused by the server with a validation error.

import { $, el } from "./dom.js";
import { t } from "./i18n.js";

const NEAR = 0.8;  // the counter appears from this share of the limit on

/** The server's question limit, or null when it cannot be read (the server still checks). */
export async function loadQuestionLimit() {
  try {
    const response = await fetch("/openapi.json", { headers: { accept: "application/json" } });
    if (!response.ok) return null;
    const schema = await response.json();
    const max = schema?.components?.schemas?.AskRequestIn?.properties?.question?.maxLength;
    return Number.isInteger(max) && max > 0 ? max : null;
  } catch {
    return null;
  }
}

/** Characters as the server counts them (code points, not UTF-16 units). */
export function charCount(text) {
  return [...text].length;
}

/**
 * Show a counter under `input` near the limit and a plain sentence over it; `onChange(over)`
 * after every change (the chat disables its send button). Returns {isOver(), update()}.
 */
export function watchQuestionLimit(input, onChange) {
  const counter = el("p", { id: "question-limit", class: "hint limit", hidden: true,
                            attrs: { "aria-live": "polite" } });
  $("enter-hint").after(counter);
  const described = input.getAttribute("aria-describedby") || "";
  input.setAttribute("aria-describedby", `${described} question-limit`.trim());
  let limit = null;
  let over = false;
  const update = () => {
    const n = charCount(input.value.trim());
    over = limit !== null && n > limit;
    const near = limit !== null && n >= limit * NEAR;
    counter.hidden = !near;
    counter.classList.toggle("over", over);
    input.setAttribute("aria-invalid", String(over));
    if (near) {
      const key = over ? "questionTooLong" : "questionCount";
      counter.setAttribute("data-i18n", key);
      counter.setAttribute("data-i18n-vars", JSON.stringify({ n, limit }));
      counter.textContent = t(key, { n, limit });
    }
    onChange(over);
  };
  input.addEventListener("input", update);
  loadQuestionLimit().then((max) => {
    limit = max;
    update();
  });
  return { isOver: () => over, update };
}
