import { describe, expect, it } from 'vitest'
import { MqttIntake } from './mqtt-intake.ts'

const up = (device: string, level: number) => ({
  tenant: '33.71',
  device,
  channel: 'up',
  payload: Buffer.from(JSON.stringify({ values: { level_cm: level } })),
})

describe('MQTT intake', () => {
  it('holds at most its bound of messages while the database is behind, dropping and reporting the rest', async () => {
    let release = () => {}
    const stuck = new Promise<void>((resolve) => {
      release = resolve
    })
    const stored: unknown[][] = []
    const errors: unknown[] = []
    let writes = 0
    const intake = new MqttIntake(
      async (_tenant, _device, bodies) => {
        writes += 1
        // The first write hangs, as a database that fell behind.
        if (writes === 1) await stuck
        stored.push(bodies)
      },
      (err) => errors.push(err),
      100,
    )
    intake.add(up('awlr-01', 0))
    // The first message is being written; the next ones gather, up to the bound.
    await Promise.resolve()
    for (let i = 1; i <= 250; i++) intake.add(up(`awlr-${i % 3}`, i))
    expect(intake.dropped).toBe(150)
    release()
    await intake.drain()
    expect(stored.flat()).toHaveLength(101)
    expect(errors.map(String)).toEqual([expect.stringMatching(/150 MQTT messages dropped/)])
  })
})
