import { describe, expect, it } from 'vitest'
import { parsePayload } from './payload.ts'

const metrics = new Map([
  ['water_level', { unit: 'cm', min: -1000, max: 10_000 }],
  ['rainfall', { unit: 'mm', min: 0, max: null }],
])
const now = new Date('2026-11-23T08:00:00+07:00')

describe('device payloads', () => {
  it('reads a JSON object with epoch milliseconds and values', () => {
    const parsed = parsePayload({ ts: now.getTime() - 60_000, values: { water_level: 182.5, rainfall: 3 } }, metrics, now)
    expect(parsed.rejected).toEqual([])
    expect(parsed.readings).toEqual([
      { metric: 'water_level', at: new Date(now.getTime() - 60_000), value: 182.5 },
      { metric: 'rainfall', at: new Date(now.getTime() - 60_000), value: 3 },
    ])
  })

  it('reads a batch of JSON objects with ISO times, naming each bad item by index and field', () => {
    const parsed = parsePayload(
      [
        { ts: '2026-11-23T07:55:00+07:00', values: { water_level: 170 } },
        { ts: '2026-11-23T07:56:00', values: { water_level: 171 } },
        { ts: '2026-11-23T09:00:00+07:00', values: { water_level: 172 } },
        { values: { water_level: 'tinggi', humidity: 80 } },
      ],
      metrics,
      now,
    )
    expect(parsed.readings.map((r) => r.value)).toEqual([170])
    expect(parsed.rejected.map((r) => [r.index, r.field])).toEqual([
      [1, 'ts'],
      [2, 'ts'],
      [3, 'values.water_level'],
      [3, 'values.humidity'],
    ])
    expect(parsed.rejected[1].message).toContain('future')
  })

  // RFC 8428 §5.1.2 style pack: base name, base time and units, with per-record offsets.
  it('reads a SenML pack with base name, base time and relative times', () => {
    const bt = now.getTime() / 1000 - 120
    const pack = [
      { bn: 'urn:dev:kendali:awlr-01:', bt, bu: 'cm', n: 'water_level', v: 150 },
      { n: 'water_level', t: 60, v: 155 },
      { n: 'rainfall', u: 'mm', t: 60, v: 1.5 },
    ]
    const parsed = parsePayload(pack, metrics, now)
    expect(parsed.rejected).toEqual([])
    expect(parsed.readings).toEqual([
      { metric: 'water_level', at: new Date(bt * 1000), value: 150 },
      { metric: 'water_level', at: new Date((bt + 60) * 1000), value: 155 },
      { metric: 'rainfall', at: new Date((bt + 60) * 1000), value: 1.5 },
    ])
  })

  it('treats SenML times below 2^28 as relative to now and refuses non-numeric and wrong-unit records', () => {
    const parsed = parsePayload(
      [
        { n: 'water_level', u: 'cm', t: -30, v: 140 },
        { n: 'water_level', vs: 'banjir' },
        { n: 'water_level', u: 'm', v: 1.4 },
        { n: 'pm25', v: 12 },
      ],
      metrics,
      now,
    )
    expect(parsed.readings).toEqual([{ metric: 'water_level', at: new Date(now.getTime() - 30_000), value: 140 }])
    expect(parsed.rejected.map((r) => [r.index, r.field])).toEqual([
      [1, 'v'],
      [2, 'u'],
      [3, 'n'],
    ])
  })

  it('refuses a body that is neither form', () => {
    expect(parsePayload('182', metrics, now).rejected).toEqual([{ index: 0, field: 'values', message: expect.stringContaining('expected') }])
  })

  it("refuses a value outside its metric's valid range, in JSON and SenML, and keeps the rest", () => {
    const json = parsePayload({ values: { water_level: 20_000, rainfall: -1 } }, metrics, now)
    expect(json.readings).toEqual([])
    expect(json.rejected.map((r) => [r.field, r.reason])).toEqual([
      ['values.water_level', 'range'],
      ['values.rainfall', 'range'],
    ])
    expect(json.rejected[0].message).toContain('outside the valid range -1000 to 10000 cm')
    const senml = parsePayload(
      [
        { bn: 'x', n: 'rainfall', u: 'mm', v: 12 },
        { n: 'water_level', v: -2000 },
      ],
      metrics,
      now,
    )
    expect(senml.readings).toEqual([{ metric: 'rainfall', at: now, value: 12 }])
    expect(senml.rejected.map((r) => [r.index, r.field, r.reason])).toEqual([[1, 'v', 'range']])
  })

  it('refuses a SenML record with a must-understand label it does not know (RFC 8428 §12.3.1) and reads the others', () => {
    const t = now.getTime() / 1000
    const parsed = parsePayload(
      [
        { bn: 'urn:dev:ow:10e2073a01080063:', bt: t - 120, bu: 'cm', n: 'water_level', v: 180 },
        { n: 'water_level', t: 60, v: 181, rt_: 'hourly' },
        { n: 'water_level', t: 120, v: 182 },
      ],
      metrics,
      now,
    )
    expect(parsed.readings.map((r) => [r.at.getTime() / 1000 - t, r.value])).toEqual([
      [-120, 180],
      [0, 182],
    ])
    expect(parsed.rejected).toMatchObject([{ index: 1, field: 'rt_' }])
  })
})
