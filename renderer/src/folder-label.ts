/**
 * How a copy's folder is shown where space is short: relative to the library folder it was found
 * in (that folder's own name first), and when still too long, cut in the middle at a separator,
 * so both where it starts and the last folders (what tells copies apart) stay readable.
 */

function trimSeparators(p: string): string {
  return p.replace(/[\\/]+$/, '');
}

/** `folder` relative to the longest library folder that contains it, prefixed by that folder's name. */
export function libraryRelativeFolder(folder: string, roots: readonly string[]): string {
  let best: string | null = null;
  for (const raw of roots) {
    const root = trimSeparators(raw);
    const inside = folder === root || folder.startsWith(`${root}/`) || folder.startsWith(`${root}\\`);
    if (inside && (best === null || root.length > best.length)) best = root;
  }
  if (best === null) return folder;
  const rootName = best.split(/[\\/]/).pop() || best;
  const rest = folder.slice(best.length).replace(/^[\\/]+/, '');
  return rest ? `${rootName}/${rest}` : rootName;
}

/**
 * `text` at most `max` characters long: the start and the end kept, the middle replaced by "…",
 * cut at path separators when that loses little.
 */
export function middleEllipsis(text: string, max: number): string {
  const chars = [...text];
  if (chars.length <= max) return text;
  const keep = Math.max(2, max - 1);
  let head = Math.ceil(keep / 3);
  let tail = keep - head;
  // Prefer whole folder names: move the cuts to the nearest separator within a few characters.
  const headText = chars.slice(0, head).join('');
  const headCut = Math.max(headText.lastIndexOf('/'), headText.lastIndexOf('\\'));
  if (headCut >= head - 6 && headCut > 0) {
    tail += head - headCut - 1;
    head = headCut + 1;
  }
  const tailText = chars.slice(chars.length - tail).join('');
  const tailCut = tailText.search(/[\\/]/);
  if (tailCut >= 0 && tailCut <= 6) tail -= tailCut;
  return `${chars.slice(0, head).join('')}…${chars.slice(chars.length - tail).join('')}`;
}
