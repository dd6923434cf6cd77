/** Edit distance (insertions, deletions, substitutions), case-insensitive: what a typo costs. */
export function editDistance(a: string, b: string): number {
  const left = a.toLowerCase();
  const right = b.toLowerCase();
  let previous = Array.from({ length: right.length + 1 }, (_, index) => index);
  for (let i = 1; i <= left.length; i++) {
    const current = [i];
    for (let j = 1; j <= right.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (left[i - 1] === right[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[right.length];
}

/**
 * The candidate nearest to `word`, for "did you mean …?". With `maxDistance` a candidate further away than
 * that is no suggestion at all (an unrelated word misleads more than it helps); ties go to the first.
 */
export function closestMatch(word: string, candidates: Iterable<string>, maxDistance = Infinity): string | undefined {
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(word, candidate);
    if (distance <= maxDistance && (!best || distance < best.distance)) best = { candidate, distance };
  }
  return best?.candidate;
}

/** How far a misspelt option name may be from the real one: two edits, more for long names. */
export function typoDistance(word: string): number {
  return Math.max(2, Math.floor(word.length / 3));
}
