// Removing a property from a JSON file by cutting exactly its text (and one neighbouring comma),
// so every other byte of an exported file stays as it was. jsonc-parser's `modify` reflows the
// opening line when the first property goes, which would show up as churn in every diff.

import { findNodeAtLocation, parseTree, type Node } from "jsonc-parser";

/** Removes the top-level (or nested, via `path`) properties named in `keys`; missing ones are ignored. */
export function removeProperties(text: string, keys: string[], path: (string | number)[] = []): string {
  let out = text;
  for (const key of keys) out = removeProperty(out, [...path, key]);
  return out;
}

function removeProperty(text: string, path: (string | number)[]): string {
  const tree = parseTree(text, [], { allowTrailingComma: true });
  if (!tree) return text;
  const value = findNodeAtLocation(tree, path);
  const prop = value?.parent;
  const obj = prop?.parent;
  if (!value || !prop || prop.type !== "property" || !obj || obj.type !== "object") return text;
  const props = obj.children ?? [];
  const i = props.indexOf(prop);
  const end = (n: Node) => n.offset + n.length;
  let from: number;
  let to: number;
  if (props.length === 1) {
    // The only property: leave an empty object on one line.
    return text.slice(0, obj.offset + 1) + text.slice(end(obj) - 1);
  } else if (i < props.length - 1) {
    const next = props[i + 1]!;
    from = lineStartIfBlankBefore(text, prop.offset);
    to = lineStartIfBlankBefore(text, next.offset);
    if (from === prop.offset || to === next.offset) {
      from = prop.offset;
      to = next.offset;
    }
  } else {
    const prev = props[i - 1]!;
    from = end(prev);
    to = end(prop);
  }
  return text.slice(0, from) + text.slice(to);
}

/** Start of the line holding `offset` when only blanks precede it there; else `offset`. */
function lineStartIfBlankBefore(text: string, offset: number): number {
  let i = offset;
  while (i > 0 && (text[i - 1] === " " || text[i - 1] === "\t")) i--;
  return i === 0 || text[i - 1] === "\n" ? i : offset;
}
