import { describe, expect, it } from 'vitest'
import { classifyError, mapFailure, messageOf } from '../src/status.js'

const context = { ip: '10.0.0.1', port: 8091, name: 'Dummy', timeoutSeconds: 12 }

describe("the SDK's failure buckets", () => {
  it.each(['EPERM', 'EACCES', 'EINVAL', 'ETIMEDOUT'])(
    'treats any failure to connect (%s) as aiohttp does: 503',
    (code) => {
      const error = Object.assign(new Error(`connect ${code} 10.0.0.1:8091`), {
        code,
        syscall: 'connect',
      })
      expect(classifyError(error)).toBe('connect')
      expect(mapFailure('connect', error, context)).toEqual({
        status: 503,
        message: 'Service unavailable at 10.0.0.1:8091/Dummy',
      })
    },
  )

  it('describes a thrown value with no string form instead of throwing', () => {
    const odd = Object.create(null)
    expect(messageOf(odd)).toBe('[object Object]')
    expect(mapFailure('parse', odd, context).message).toBe(
      'Failed to parse response: [object Object]',
    )
  })
})
