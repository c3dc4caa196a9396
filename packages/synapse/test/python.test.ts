import { describe, expect, it } from 'vitest'
import {
  MAX_JSON_CONTAINERS,
  type PyValue,
  pyFloatRepr,
  pyFormatFixed,
  pyJsonDumps,
  pyJsonLoads,
  pyRepr,
  pyReprStr,
  pyStr,
  SynapseError,
  SynapseErrorCode,
  versionAsInt,
} from '../src/index.js'

describe("Python's repr of floats", () => {
  it('matches CPython at the layout switches', () => {
    const cases: [number, string][] = [
      [1, '1.0'],
      [-0.5, '-0.5'],
      [0, '0.0'],
      [-0, '-0.0'],
      [0.0001, '0.0001'],
      [0.00001, '1e-05'],
      [1.23456e-5, '1.23456e-05'],
      [9999999999999998, '9999999999999998.0'],
      [1e16, '1e+16'],
      [1.5e16, '1.5e+16'],
      [1e22, '1e+22'],
      [0.1 + 0.2, '0.30000000000000004'],
      [5e-324, '5e-324'],
      [Number.MAX_VALUE, '1.7976931348623157e+308'],
      [123456789.125, '123456789.125'],
      [Number.NaN, 'nan'],
      [Number.POSITIVE_INFINITY, 'inf'],
      [Number.NEGATIVE_INFINITY, '-inf'],
    ]
    for (const [x, text] of cases) expect(pyFloatRepr(x), String(x)).toBe(text)
  })

  it('writes the same digits as the exponent layout across magnitudes', () => {
    // Python's layout rebuilt from toExponential(): the reference for the fixed-notation path.
    const reference = (x: number) => {
      const [mantissa = '', exponent = '0'] = Math.abs(x).toExponential().split('e')
      const digits = mantissa.replace('.', '')
      const exp = Number(exponent)
      const sign = x < 0 ? '-' : ''
      if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`
      if (digits.length <= exp + 1)
        return `${sign}${digits}${'0'.repeat(exp + 1 - digits.length)}.0`
      return `${sign}${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`
    }
    for (let i = 0; i < 20_000; i++) {
      const x = (Math.random() - 0.5) * 10 ** Math.floor(Math.random() * 21 - 4)
      if (Math.abs(x) < 1e-4 || Math.abs(x) >= 1e16) continue
      const rounded = i % 3 === 0 ? Math.round(x) || 1 : x
      expect(pyFloatRepr(rounded), String(rounded)).toBe(reference(rounded))
    }
  })

  it("formats '.2f' half to even on the exact value", () => {
    expect(pyFormatFixed(0.125, 2)).toBe('0.12')
    expect(pyFormatFixed(0.375, 2)).toBe('0.38')
    expect(pyFormatFixed(2.675, 2)).toBe('2.67') // 2.67499999… in binary
    expect(pyFormatFixed(16, 2)).toBe('16.00')
    expect(pyFormatFixed(-0.001, 2)).toBe('-0.00')
    expect(pyFormatFixed(1e22, 2)).toBe('10000000000000000000000.00')
  })
})

describe("Python's str and repr", () => {
  it('quotes strings as Python picks the quotes', () => {
    expect(pyReprStr('a')).toBe("'a'")
    expect(pyReprStr("it's")).toBe('"it\'s"')
    expect(pyReprStr('say "hi"')).toBe('\'say "hi"\'')
    expect(pyReprStr(`it's "x"`)).toBe(`'it\\'s "x"'`)
    expect(pyReprStr('a\\b\n\t\r\0\x7f')).toBe("'a\\\\b\\n\\t\\r\\x00\\x7f'")
  })

  it('escapes what str.isprintable() refuses (Python 3.11, Unicode 14)', () => {
    expect(pyReprStr('é\u00a0\u200b\u2028🌍')).toBe("'é\\xa0\\u200b\\u2028🌍'")
    expect(pyReprStr('\ud800')).toBe("'\\ud800'")
    expect(pyReprStr('\u{e0001}')).toBe("'\\U000e0001'")
    // U+1FAE8 (Unicode 15.0) is unassigned for Python 3.11, so repr escapes it.
    expect(pyReprStr('\u{1fae8}')).toBe("'\\U0001fae8'")
  })

  it('writes containers and scalars as str() does', () => {
    const value: PyValue = [1n, 'a', 2.5, null, true, false, [1n, 'b'], new Map([['k', 'v']])]
    expect(pyStr(value)).toBe("[1, 'a', 2.5, None, True, False, [1, 'b'], {'k': 'v'}]")
    expect(pyStr('raw text')).toBe('raw text')
    expect(
      pyRepr(
        new Map<string | bigint, PyValue>([
          [1n, 1],
          ['1', []],
        ]),
      ),
    ).toBe("{1: 1.0, '1': []}")
  })
})

describe("Python's json", () => {
  it('keeps ints, floats, big integers and key order apart', () => {
    const value = pyJsonLoads(
      '{"b": 1, "a": 1.0, "10": 18446744073709551616, "2": -0.0, "b": [1e400]}',
    )
    expect(value).toEqual(
      new Map<string, PyValue>([
        ['b', [Number.POSITIVE_INFINITY]],
        ['a', 1],
        ['10', 18446744073709551616n],
        ['2', -0],
      ]),
    )
    expect(pyJsonDumps(value)).toBe(
      '{"b": [Infinity], "a": 1.0, "10": 18446744073709551616, "2": -0.0}',
    )
    expect(pyJsonLoads('[NaN, -Infinity]')).toEqual([Number.NaN, Number.NEGATIVE_INFINITY])
  })

  it('escapes as json.dumps does, and as Starlette does', () => {
    const text = 'é "q" \\ \n \x7f 🌍'
    expect(pyJsonDumps(text)).toBe('"\\u00e9 \\"q\\" \\\\ \\n \\u007f \\ud83c\\udf0d"')
    expect(pyJsonDumps(text, { ensureAscii: false })).toBe('"é \\"q\\" \\\\ \\n \x7f 🌍"')
    expect(pyJsonDumps([1n, new Map([['a', null]])], { separators: 'compact' })).toBe(
      '[1,{"a":null}]',
    )
    expect(() => pyJsonDumps(Number.NaN, { allowNan: false })).toThrow(SynapseError)
  })

  it('refuses what json.loads refuses', () => {
    for (const bad of ['', '{', '[1,]', '{"a" 1}', "{'a': 1}", '"\x01"', '1 2', '\ufeff{}', '01']) {
      let error: unknown
      try {
        pyJsonLoads(bad)
      } catch (e) {
        error = e
      }
      expect(error, JSON.stringify(bad)).toBeInstanceOf(SynapseError)
      expect((error as SynapseError).code).toBe(SynapseErrorCode.InvalidJson)
    }
    expect(pyJsonLoads('"\\ud83c\\udf0d \\ud800"')).toBe('🌍 \ud800')
  })

  it('ends a number where json.loads does, with its error texts', () => {
    // What CPython 3.12's json.loads answers for each text.
    expect(pyJsonLoads('[1.5e-3, -12, -0, 0.0, 2E-0, 1E5]')).toEqual([0.0015, -12n, 0n, 0, 2, 1e5])
    const errors: [string, string][] = [
      ['-', 'Expecting value: line 1 column 1 (char 0)'],
      ['-a', 'Expecting value: line 1 column 1 (char 0)'],
      ['[-]', 'Expecting value: line 1 column 2 (char 1)'],
      ['1.', 'Extra data: line 1 column 2 (char 1)'],
      ['1e+', 'Extra data: line 1 column 2 (char 1)'],
      ['12.5.3', 'Extra data: line 1 column 5 (char 4)'],
      ['0x1', 'Extra data: line 1 column 2 (char 1)'],
    ]
    for (const [text, message] of errors) expect(() => pyJsonLoads(text), text).toThrow(message)
  })

  it('builds at most MAX_JSON_CONTAINERS arrays and objects, and counts none it only checks', () => {
    const many = `[${'[],'.repeat(MAX_JSON_CONTAINERS)}{}]`
    expect(() => pyJsonLoads(many)).toThrow(`More than ${MAX_JSON_CONTAINERS} arrays and objects`)
    expect(pyJsonLoads(`{"x": ${many}, "a": 1}`, new Set(['a']))).toEqual(new Map([['a', 1n]]))
    expect((pyJsonLoads(`[${'{},'.repeat(MAX_JSON_CONTAINERS - 2)}{}]`) as unknown[]).length).toBe(
      MAX_JSON_CONTAINERS - 1,
    )
  })

  it('builds only the keys a reader asked for, and checks the others as json.loads does', () => {
    const keys = new Set(['a'])
    const text = '{"x": [{}, {"y": [1, "s", null]}], "a": {"b": [1.0]}, "z": "\\u00e9", "a": 2}'
    expect(pyJsonLoads(text, keys)).toEqual(new Map([['a', 2n]]))
    expect(pyJsonLoads('[{"a": 1}]', keys)).toBeNull()
    expect(pyJsonLoads('7', keys)).toBeNull()
    // Every error in a value nobody reads is still json.loads's error, at the same place.
    const deep = `${'['.repeat(1100)}${']'.repeat(1100)}`
    const bad = [
      '{"x": [1,]}',
      '{"x": {"y" 1}}',
      '{"x": "\x01"}',
      '{"x": "\\q"}',
      '{"x": [01]}',
      '{"x": {}} 1',
      `{"x": ${'9'.repeat(4301)}}`,
      `{"x": ${deep}}`,
      deep,
    ]
    for (const text of bad) {
      const message = (() => {
        try {
          pyJsonLoads(text)
        } catch (e) {
          return (e as Error).message
        }
      })()
      expect(message, text.slice(0, 40)).toBeDefined()
      expect(() => pyJsonLoads(text, keys), text.slice(0, 40)).toThrow(message)
    }
  })
})

it("computes the SDK's version_as_int", () => {
  expect(versionAsInt('10.2.0')).toBe(10002000)
  expect(versionAsInt('7.2.0')).toBe(7002000)
  expect(() => versionAsInt('10.2.0rc1')).toThrow(SynapseError)
})
