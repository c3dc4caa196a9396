import { defineConfig } from 'vitest/config'

// CI runs every package's tests at once on two cores, so the native addon's first load and
// the batch cases can take several times their idle duration.
export default defineConfig({
  test: { testTimeout: 60_000 },
})
