import { describe, expect, it } from 'vitest'
import { Deadline } from '../src/request-context.js'

describe('Deadline', () => {
  it('aborts a signal taken before it expires', () => {
    const deadline = new Deadline()
    const signal = deadline.signal
    expect(signal.aborted).toBe(false)
    deadline.expire()
    expect(signal.aborted).toBe(true)
    expect(deadline.signal).toBe(signal)
  })

  it('hands out an aborted signal once it has expired', () => {
    const deadline = new Deadline()
    deadline.expire()
    expect(deadline.signal.aborted).toBe(true)
  })
})
