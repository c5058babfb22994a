/**
 * Text into XML (the badges' SVG, the Atom and RSS feeds): every name and message there comes from a config, a
 * provider or the localizer, so it is escaped here, in one place, never written into markup by hand.
 */

const ENTITIES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&apos;",
};

/** Whether XML 1.0 can hold the code point at all, even escaped (its Char production: no C0 control but tab, CR, LF). */
function xmlChar(code: number): boolean {
  if (code < 0x20) return code === 0x09 || code === 0x0a || code === 0x0d;
  if (code >= 0xd800 && code <= 0xdfff) return false; // a lone surrogate (for...of yields pairs whole)
  return code !== 0xfffe && code !== 0xffff;
}

/** `text` safe inside an element or a quoted attribute: `& < > " '` escaped, characters XML forbids replaced. */
export function xmlText(text: string): string {
  let out = "";
  for (const ch of text) {
    if (!xmlChar(ch.codePointAt(0)!)) out += "\uFFFD";
    else out += ENTITIES[ch] ?? ch;
  }
  return out;
}
