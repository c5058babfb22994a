/**
 * XML as a small tree for the tests of what the server writes (badges, feeds): parsed with saxes, the strict
 * parser the feed reader uses, with namespaces on, so text that is not well-formed XML throws instead of passing.
 */
import { SaxesParser } from "saxes";

export interface XmlNode {
  /** Local name. */
  name: string;
  uri: string;
  attributes: Record<string, string>;
  children: XmlNode[];
  /** The text directly inside, entities decoded. */
  text: string;
}

export function parseXml(xml: string): XmlNode {
  const parser = new SaxesParser({ xmlns: true });
  const stack: XmlNode[] = [];
  let root: XmlNode | undefined;
  parser.on("opentag", (tag) => {
    const attributes: Record<string, string> = {};
    for (const a of Object.values(tag.attributes)) attributes[a.name] = a.value;
    const node: XmlNode = { name: tag.local, uri: tag.uri, attributes, children: [], text: "" };
    stack.at(-1)?.children.push(node);
    root ??= node;
    stack.push(node);
  });
  parser.on("text", (t) => {
    const top = stack.at(-1);
    if (top) top.text += t;
  });
  parser.on("closetag", () => stack.pop());
  parser.write(xml).close();
  if (!root) throw new Error("no root element");
  return root;
}

/** Every descendant named `name`, in document order. */
export function all(node: XmlNode, name: string): XmlNode[] {
  return node.children.flatMap((c) => [...(c.name === name ? [c] : []), ...all(c, name)]);
}

/** The one child named `name`; throws when there is none. */
export function child(node: XmlNode, name: string): XmlNode {
  const found = node.children.find((c) => c.name === name);
  if (!found) throw new Error(`<${node.name}> has no <${name}>`);
  return found;
}
