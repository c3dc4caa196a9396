/**
 * Text from outside (a caller, a node, a folder) made safe for a terminal: control
 * characters as `?`, and so are the invisible ones that reorder or shift what is shown
 * around them: bidi marks, embeddings, overrides and isolates, zero-width space, byte order
 * mark, line and paragraph separators, lone surrogates. Joiners stay, which emoji
 * sequences and Persian or Indic text need.
 */
export const printable = (text: string) =>
  text.replace(
    /[\p{Cc}\p{Zl}\p{Zp}\p{Cs}\u061c\u200b\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]/gu,
    '?',
  )
