// Collection depth of a YAML text, measured before the document is composed. The yaml library's
// parser keeps its own stack (no recursion), but composing the document recurses once per level:
// "[[[[…" 10,000 deep ends in "Maximum call stack size exceeded". So the CST is walked here with
// an explicit stack, and a text nested deeper than the limit is refused with the offset of the
// first collection past it. Pure module.
import { Parser, type CST } from 'yaml';

export function tooDeep(text: string, maxDepth: number): { offset: number } | undefined {
  const stack: { token: CST.Token; depth: number }[] = [];
  for (const token of new Parser().parse(text)) stack.push({ token, depth: 0 });
  while (stack.length > 0) {
    const { token, depth } = stack.pop()!;
    switch (token.type) {
      case 'document':
        if (token.value) stack.push({ token: token.value, depth });
        break;
      case 'block-map':
      case 'block-seq':
      case 'flow-collection': {
        if (depth + 1 > maxDepth) return { offset: token.offset };
        for (const item of token.items) {
          if (item.key) stack.push({ token: item.key, depth: depth + 1 });
          if (item.value) stack.push({ token: item.value, depth: depth + 1 });
        }
        break;
      }
      default:
        break;
    }
  }
  return undefined;
}
