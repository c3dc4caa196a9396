/**
 * A test timeout for `derivations` keyfile password derivations (Argon2i over 512 MiB). One
 * takes ~6 s on an idle core here, but CI runs every package's tests at once on two cores,
 * where two of them have taken over 60 s; this allows 90 s each.
 */
export function argon2Timeout(derivations: number): number {
  return derivations * 90_000
}
