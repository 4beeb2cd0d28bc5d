/** One element of a parsed XML document: name, attributes (entities decoded), children, text. */
export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const NAME = "[A-Za-z_][\\w.-]*";
const ATTRIBUTE = new RegExp(`\\s+(${NAME})="([^"<]*)"`, "y");
const ENTITY = /&(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/g;

/**
 * Parse a small XML document strictly enough to prove it well-formed for a
 * JUnit consumer: one root, matching tags, quoted attributes without `<`,
 * no duplicate attribute, `&` only in a known entity, nothing but
 * whitespace around the root. Throws with the offset of the first fault.
 *
 * @example
 * ```ts
 * const root = parseXml('<?xml version="1.0"?><a x="1"><b/></a>');
 * root.children[0].name; // "b"
 * ```
 */
export function parseXml(text: string): XmlElement {
  let at = 0;
  const fail = (why: string): never => {
    throw new Error(`Not well-formed XML at offset ${at}: ${why} near ${JSON.stringify(text.slice(at, at + 40))}`);
  };
  const decode = (raw: string): string => {
    if (raw.replace(ENTITY, "").includes("&")) fail(`a bare "&" in ${JSON.stringify(raw)}`);
    return raw.replace(
      ENTITY,
      (e) =>
        ({ "&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&apos;": "'" })[e] ??
        String.fromCodePoint(Number(e.slice(2, -1).replace(/^x/, "0x"))),
    );
  };
  const skip = (pattern: RegExp): void => {
    pattern.lastIndex = at;
    if (pattern.exec(text) !== null) at = pattern.lastIndex;
  };
  skip(/<\?xml[^?]*\?>\s*/y);
  const element = (): XmlElement => {
    const open = new RegExp(`<(${NAME})`, "y");
    open.lastIndex = at;
    const match = open.exec(text) ?? fail("expected an element");
    at = open.lastIndex;
    const node: XmlElement = { name: match[1] as string, attributes: {}, children: [], text: "" };
    ATTRIBUTE.lastIndex = at;
    for (let attr = ATTRIBUTE.exec(text); attr !== null; attr = ATTRIBUTE.exec(text)) {
      const [, key, value] = attr as unknown as [string, string, string];
      if (key in node.attributes) fail(`attribute ${key} given twice`);
      node.attributes[key] = decode(value);
      at = ATTRIBUTE.lastIndex;
    }
    skip(/\s*/y);
    if (text.startsWith("/>", at)) return ((at += 2), node);
    if (text[at] !== ">") fail(`bad attribute or unclosed tag <${node.name}`);
    at += 1;
    for (;;) {
      const next = text.indexOf("<", at);
      if (next < 0) fail(`<${node.name}> is never closed`);
      node.text += decode(text.slice(at, next));
      at = next;
      if (text.startsWith(`</${node.name}>`, at)) return ((at += node.name.length + 3), node);
      if (text.startsWith("</", at)) fail(`closing tag does not match <${node.name}>`);
      node.children.push(element());
    }
  };
  const root = element();
  if (text.slice(at).trim() !== "") fail("content after the root element");
  return root;
}

/** Every element named `name` anywhere under (and including) `root`. */
export function elementsNamed(root: XmlElement, name: string): XmlElement[] {
  return [...(root.name === name ? [root] : []), ...root.children.flatMap((child) => elementsNamed(child, name))];
}
