import { defineConfig } from 'vitest/config'

// The tests run real HTTP servers on loopback while CI shares the same two cores: give them
// room, and run the files one at a time.
export default defineConfig({
  test: { testTimeout: 60_000, hookTimeout: 60_000, fileParallelism: false },
})
