/**
 * Text from outside (a caller, a node) made safe for a terminal: control characters as `?`,
 * and so are the invisible ones that reorder or shift what is shown around them (bidi
 * overrides, zero-width and other format characters, line and paragraph separators, lone
 * surrogates).
 */
export const printable = (text: string) => text.replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/gu, '?')
