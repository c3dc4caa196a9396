import { defineConfig } from 'vitest/config'

// CI runs every package's tests at once on two cores; the paced runs take seconds each.
export default defineConfig({
  test: { testTimeout: 60_000 },
})
