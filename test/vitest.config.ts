import { defineConfig } from 'vitest/config'

// Each test spawns `npx taokit`, about a second apiece, and npm test runs the Rust suites
// beside these on the same cores: vitest's 5 s default is too tight under that load.
export default defineConfig({ test: { testTimeout: 60_000 } })
