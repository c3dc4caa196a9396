import { defineConfig } from 'vitest/config'

// Each file starts its own devnet and drives it through @polkadot/api, while npm test runs
// the Rust suites on the same two cores: give calls room, and run the files one at a time.
export default defineConfig({
  test: { testTimeout: 60_000, hookTimeout: 60_000, fileParallelism: false },
})
