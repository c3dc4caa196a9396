import { startDevnet } from '@taokit/devnet'
import { Subtensor } from './dist/index.js'
import { FaultyProxy } from './test/proxy.ts'
