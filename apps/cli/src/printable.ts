/** Text from outside (a caller, a node) made safe for a terminal: control characters as `?`. */
export const printable = (text: string) => text.replace(/\p{Cc}/gu, '?')
