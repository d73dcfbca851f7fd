import mqtt from 'mqtt'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type DeviceMessage, type MqttHub, openMqttHub } from './hub.ts'

const failOnPortTaken = (err: Error) => {
  throw err
}

/** Resolves with the next device message the hub hands over. */
const nextMessage = (hub: MqttHub) =>
  new Promise<DeviceMessage>((resolve) => {
    const stop = hub.onDeviceMessage((m) => {
      stop()
      resolve(m)
    })
  })

describe('embedded MQTT broker', () => {
  let hub: MqttHub
  let url: string

  beforeAll(async () => {
    hub = await openMqttHub({ mqttUrl: null, mqttPort: 0, onPortTaken: failOnPortTaken })
    url = `mqtt://127.0.0.1:${hub.port}`
    const devices: Record<string, { secret: string; tenant: string }> = {
      'awlr-01': { secret: 'rahasia-1', tenant: '33.71' },
      'awlr-02': { secret: 'rahasia-2', tenant: '33.71' },
    }
    hub.setDeviceAuthenticator(async (username, password) => {
      const device = devices[username]
      return device && device.secret === password ? { tenant: device.tenant, device: username } : null
    })
  })
  afterAll(() => hub.close())

  it('refuses a device without credentials or with a wrong secret', async () => {
    await expect(mqtt.connectAsync(url, { reconnectPeriod: 0 })).rejects.toThrow(/[Nn]ot authorized/)
    await expect(mqtt.connectAsync(url, { username: 'awlr-01', password: 'salah', reconnectPeriod: 0 })).rejects.toThrow(/[Nn]ot authorized/)
  })

  it('hands a device message to the platform with the tenant and device its topic names', async () => {
    const device = await mqtt.connectAsync(url, { username: 'awlr-01', password: 'rahasia-1', reconnectPeriod: 0 })
    const received = nextMessage(hub)
    await device.publishAsync('kendali/33.71/devices/awlr-01/readings', JSON.stringify({ level_cm: 132 }), { qos: 1 })
    const message = await received
    expect(message).toMatchObject({ tenant: '33.71', device: 'awlr-01', channel: 'readings' })
    expect(JSON.parse(message.payload.toString())).toEqual({ level_cm: 132 })
    await device.endAsync()
  })

  it('drops what a device publishes under another device or tenant', async () => {
    const impostor = await mqtt.connectAsync(url, { username: 'awlr-01', password: 'rahasia-1', reconnectPeriod: 0 })
    const honest = await mqtt.connectAsync(url, { username: 'awlr-02', password: 'rahasia-2', reconnectPeriod: 0 })
    const seen: DeviceMessage[] = []
    const stop = hub.onDeviceMessage((m) => seen.push(m))
    impostor.publish('kendali/33.71/devices/awlr-02/readings', '{"level_cm":999}')
    impostor.publish('kendali/35.73/devices/awlr-01/readings', '{"level_cm":999}')
    const received = nextMessage(hub)
    await honest.publishAsync('kendali/33.71/devices/awlr-02/readings', '{"level_cm":40}', { qos: 1 })
    await received
    stop()
    expect(seen.map((m) => `${m.tenant}/${m.device}:${m.payload}`)).toEqual(['33.71/awlr-02:{"level_cm":40}'])
    impostor.end(true)
    await honest.endAsync()
  })
})

// Against a real Mosquitto when CI gives one (MQTT_URL); that broker authenticates devices itself.
describe.runIf(process.env.MQTT_URL)('external MQTT broker', () => {
  it('receives device messages published to the broker', async () => {
    const brokerUrl = process.env.MQTT_URL ?? ''
    const hub = await openMqttHub({ mqttUrl: brokerUrl, mqttPort: 0, onPortTaken: failOnPortTaken })
    const device = await mqtt.connectAsync(brokerUrl, { reconnectPeriod: 0 })
    const received = nextMessage(hub)
    await device.publishAsync('kendali/35.73/devices/aqm-7/senml', '[{"n":"pm25","v":31}]', { qos: 1 })
    expect(await received).toMatchObject({ tenant: '35.73', device: 'aqm-7', channel: 'senml' })
    await device.endAsync()
    await hub.close()
  })
})
