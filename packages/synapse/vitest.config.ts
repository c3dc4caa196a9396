import { defineConfig } from 'vitest/config'

// Pure functions only: no servers or devnets, so the defaults apply apart from a roomier
// timeout for the native addon's first load on a busy machine.
export default defineConfig({
  test: { testTimeout: 20_000 },
})
