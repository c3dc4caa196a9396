import { defineConfig } from 'vitest/config'

// The tests run real servers on loopback with timing bounds (slow clients, deadlines), while
// npm test runs other suites on the same two cores: give them room, one file at a time.
export default defineConfig({
  test: { testTimeout: 60_000, hookTimeout: 60_000, fileParallelism: false },
})
