/**
 * Reads an RSS 2.0 or Atom incident feed into entries, with a strict streaming XML parser (saxes): one
 * pass over the text, so a hostile feed (thousands of unclosed `<item>` tags) costs as much as its size
 * and is refused with the parser's position instead of holding the event loop.
 */
import { SaxesParser } from "saxes";

/** Larger feeds are refused: the statuspage runner reads at most this much, and real ones are ~20 KiB. */
const FEED_MAX_CHARS = 1024 * 1024;

export type FeedErrorCode = "feed-too-large" | "feed-malformed" | "feed-not-a-feed";

/** A feed that cannot be used; `message` says why (with the parser's line:column when malformed). */
export class FeedError extends Error {
  override readonly name = "FeedError";
  constructor(
    readonly code: FeedErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export interface FeedEntry {
  title: string;
  /** The entry's HTML text (entities decoded; markup nested inside it kept as tags). */
  text: string;
  /** Last update, ms since the epoch; 0 when the entry gives none that parses. */
  updated: number;
  /** RSS `<guid>` or Atom `<id>`, when the entry has one (AWS's names the service: `…/#ec2-us-east-1_1638895771`). */
  guid?: string;
}

const ENTRY = new Set(["item", "entry"]);
const ROOTS = new Set(["rss", "feed", "rdf:rdf"]);
const TEXT_FIELDS = ["content", "description", "summary"];
const TIME_FIELDS = ["updated", "published", "pubdate", "dc:date"];

/** Atom `<entry>` or RSS `<item>` elements, in document order. Throws FeedError. */
export function parseFeed(xml: string): FeedEntry[] {
  if (xml.length > FEED_MAX_CHARS)
    throw new FeedError("feed-too-large", `feed larger than ${FEED_MAX_CHARS / 1024} KiB`);
  const parser = new SaxesParser();
  const entries: FeedEntry[] = [];
  let root: string | undefined;
  let depth = 0;
  // Depth of the open entry (only outermost entries count), and the direct child being read in it.
  let entryDepth = -1;
  let fields = new Map<string, string>();
  let field: { name: string; text: string } | undefined;
  parser.on("opentag", (tag) => {
    const name = tag.name.toLowerCase();
    depth++;
    if (root === undefined) root = name;
    if (entryDepth < 0) {
      if (ENTRY.has(name)) {
        entryDepth = depth;
        fields = new Map();
      }
    } else if (depth === entryDepth + 1) field = { name, text: "" };
    // Inline markup (Atom type="xhtml") is kept as tags: incident updates mark their status with <strong>.
    else if (field) field.text += `<${tag.name}>`;
  });
  parser.on("closetag", (tag) => {
    if (field && depth === entryDepth + 1) {
      if (!fields.has(field.name)) fields.set(field.name, field.text);
      field = undefined;
    } else if (field) field.text += `</${tag.name}>`;
    else if (depth === entryDepth) {
      entries.push(entryOf(fields));
      entryDepth = -1;
    }
    depth--;
  });
  const addText = (text: string) => {
    if (field) field.text += text;
  };
  parser.on("text", addText);
  parser.on("cdata", addText);
  try {
    parser.write(xml).close();
  } catch (error) {
    throw new FeedError("feed-malformed", `not well-formed XML: ${(error as Error).message}`, {
      cause: error,
    });
  }
  if (root === undefined || !ROOTS.has(root))
    throw new FeedError("feed-not-a-feed", `not an RSS or Atom feed (root element ${root ?? "none"})`);
  return entries;
}

function entryOf(fields: Map<string, string>): FeedEntry {
  const first = (names: string[]) => {
    for (const name of names) {
      const value = fields.get(name);
      if (value !== undefined) return value;
    }
    return "";
  };
  const when = Date.parse(first(TIME_FIELDS));
  const entry: FeedEntry = {
    title: (fields.get("title") ?? "").trim(),
    text: first(TEXT_FIELDS),
    updated: Number.isNaN(when) ? 0 : when,
  };
  const guid = (fields.get("guid") ?? fields.get("id"))?.trim();
  if (guid) entry.guid = guid;
  return entry;
}
