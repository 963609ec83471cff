// List bullets in document text. PDF text keeps a list's bullets as Symbol / Wingdings code
// points in the Private Use Area (U+F0B7, U+F0A7, …) that no font of the page has, so they drew
// as boxes: they become "•". Items after a bullet ("•", "▪", or "-" / "*" at a line start, as
// the Markdown and Word documents have them) render as real list items, not run-on text.

// U+F000–U+F0FF: a symbol font's glyphs as PDF text extraction leaves them; U+25AA: "▪"
const GLYPHS = /[\uF000-\uF0FF\u25AA]/g;
// a bullet at a line's start, or a "•" between words (a list flattened onto one line)
const MARKER = /(?:^|\n)[ \t]*[-*•][ \t]+|[ \t]+•[ \t]+/;

/** `text` with every bullet glyph that would draw as a box replaced by "•". */
export function tidyBullets(text) {
  return String(text ?? "").replace(GLYPHS, "•");
}

/**
 * `text` as nodes for el()/append(): plain text when it holds no list, otherwise the text
 * before the first bullet followed by one <span class="bullet-item"> per item (spans, so an
 * answer sentence stays valid inside its paragraph; CSS draws them as list items).
 */
export function bulletNodes(text) {
  const parts = tidyBullets(text).split(new RegExp(MARKER.source, "g"));
  if (parts.length < 2) return [parts[0]];
  const nodes = [];
  if (parts[0].trim()) nodes.push(parts[0].trimEnd());
  for (const item of parts.slice(1)) {
    if (!item.trim()) continue;
    const span = document.createElement("span");
    span.className = "bullet-item";
    span.textContent = item.trim();
    nodes.push(span);
  }
  return nodes;
}

/** Replace the box-drawing bullet glyphs in every text node under `root` (in place). */
export function tidyTextNodes(root) {
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (GLYPHS.test(node.data)) node.data = tidyBullets(node.data);
    GLYPHS.lastIndex = 0;
  }
  return root;
}
