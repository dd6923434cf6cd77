/** YAML inputs for unit tests (not shipped: dist/testing is left out of the package). */

/** An "alias bomb": nine levels of nine aliases, a few hundred bytes that expand to 9^9 (387 million) strings. */
export const ALIAS_BOMB = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
  .concat(
    Array.from({ length: 8 }, (_, level) => {
      const name = String.fromCharCode(98 + level);
      const previous = String.fromCharCode(97 + level);
      return `${name}: &${name} [${Array(9).fill(`*${previous}`).join(',')}]`;
    }),
  )
  .join('\n');
