import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import mqtt from 'mqtt'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DeviceEnvelopeCheck, type DeviceMessage, type MqttHub, openMqttHub } from './hub.ts'

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

const devices: Record<string, { secret: string; tenant: string }> = {
  'awlr-01': { secret: 'rahasia-1', tenant: '33.71' },
  'awlr-02': { secret: 'rahasia-2', tenant: '33.71' },
}
const knownDevices = async (username: string, password: string) => {
  const device = devices[username]
  return device && device.secret === password ? { tenant: device.tenant, device: username } : null
}

/** A raw MQTT 3.1.1 CONNECT with username and password, and the return code of the CONNACK answering it. */
function connectReturnCode(port: number, clientId: string, isClean: boolean, username: string, password: string): Promise<number> {
  const str = (v: string) => {
    const b = Buffer.from(v)
    return Buffer.concat([Buffer.from([b.length >> 8, b.length & 0xff]), b])
  }
  const body = Buffer.concat([str('MQTT'), Buffer.from([4, 0xc0 | (isClean ? 0x02 : 0), 0, 60]), str(clientId), str(username), str(password)])
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(Buffer.concat([Buffer.from([0x10, body.length]), body])))
    socket.once('data', (answer) => {
      socket.destroy()
      // CONNACK: 0x20, length 2, session present, return code.
      resolve(answer[3])
    })
    socket.once('error', reject)
  })
}

describe('embedded MQTT broker', () => {
  let hub: MqttHub
  let url: string

  beforeAll(async () => {
    hub = await openMqttHub({ mqttUrl: null, mqttPort: 0, maxPacketBytes: 4096, maxInFlightPerDevice: 1, onPortTaken: failOnPortTaken })
    url = `mqtt://127.0.0.1:${hub.port}`
    hub.setDeviceAuthenticator(knownDevices)
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
    const stop = hub.onDeviceMessage((m) => {
      seen.push(m)
    })
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

describe('embedded MQTT broker limits', () => {
  let hub: MqttHub

  beforeAll(async () => {
    hub = await openMqttHub({ mqttUrl: null, mqttPort: 0, maxPacketBytes: 4096, maxInFlightPerDevice: 1, onPortTaken: failOnPortTaken })
    hub.setDeviceAuthenticator(knownDevices)
  })
  afterAll(() => hub.close())

  it('closes the connection of a device that sends a packet over the size limit, and hands nothing on', async () => {
    const device = await mqtt.connectAsync(`mqtt://127.0.0.1:${hub.port}`, { username: 'awlr-01', password: 'rahasia-1', reconnectPeriod: 0 })
    const seen: DeviceMessage[] = []
    const stop = hub.onDeviceMessage((m) => {
      seen.push(m)
    })
    const closed = new Promise((resolve) => device.stream.once('close', resolve))
    device.publish('kendali/33.71/devices/awlr-01/up', Buffer.alloc(8192, 'x'), { qos: 0 })
    await closed
    stop()
    expect(seen).toEqual([])
    device.end(true)
  })

  it('refuses a client without an id that asks to keep its session (MQTT-3.1.3-8), and takes one asking for a clean session', async () => {
    expect(await connectReturnCode(hub.port ?? 0, '', false, 'awlr-01', 'rahasia-1')).toBe(2)
    expect(await connectReturnCode(hub.port ?? 0, '', true, 'awlr-01', 'rahasia-1')).toBe(0)
  })

  it('acknowledges a QoS 1 publish only once its handler is done, reads no further from a device with too much in hand, and does not acknowledge when the handler fails', async () => {
    const device = await mqtt.connectAsync(`mqtt://127.0.0.1:${hub.port}`, { username: 'awlr-01', password: 'rahasia-1', reconnectPeriod: 0 })
    let finish = () => {}
    const handled = new Promise<void>((resolve) => {
      finish = resolve
    })
    let calls = 0
    const stop = hub.onDeviceMessage(async () => {
      calls += 1
      if (calls === 1) await handled
      else throw new Error('the database is gone')
    })
    let acked = false
    const published = device.publishAsync('kendali/33.71/devices/awlr-01/up', '{"level_cm":1}', { qos: 1 }).then(() => {
      acked = true
    })
    await expect.poll(() => calls).toBe(1)
    // While the handler holds the message (this broker's bound is one in hand), no PUBACK, and the broker reads
    // nothing more from this device: a SUBSCRIBE sent after it is not answered either.
    let subscribed = false
    const subscribing = device.subscribeAsync('kendali/33.71/devices/awlr-01/down').then(() => {
      subscribed = true
    })
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect([acked, subscribed]).toEqual([false, false])
    finish()
    await Promise.all([published, subscribing])
    expect([acked, subscribed]).toEqual([true, true])

    const closed = new Promise((resolve) => device.stream.once('close', resolve))
    const refused = device.publishAsync('kendali/33.71/devices/awlr-01/up', '{"level_cm":2}', { qos: 1 })
    await closed
    stop()
    device.end(true)
    await expect(refused).rejects.toThrow()
  })
})

describe('embedded MQTT broker over TLS', () => {
  let hub: MqttHub
  let dir: string

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kendali-mqtt-tls-'))
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')],
      {
        stdio: 'ignore',
      },
    )
    hub = await openMqttHub({
      mqttUrl: null,
      mqttPort: 0,
      tls: { port: 0, certFile: join(dir, 'cert.pem'), keyFile: join(dir, 'key.pem') },
      onPortTaken: failOnPortTaken,
    })
    hub.setDeviceAuthenticator(knownDevices)
  })
  afterAll(async () => {
    await hub.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('takes a device message over TLS with the same device checks', async () => {
    const tlsUrl = `mqtts://localhost:${hub.tlsPort}`
    const ca = readFileSync(join(dir, 'cert.pem'))
    await expect(mqtt.connectAsync(tlsUrl, { username: 'awlr-01', password: 'salah', ca, reconnectPeriod: 0 })).rejects.toThrow(/[Nn]ot authorized/)
    const device = await mqtt.connectAsync(tlsUrl, { username: 'awlr-01', password: 'rahasia-1', ca, reconnectPeriod: 0 })
    const received = nextMessage(hub)
    await device.publishAsync('kendali/33.71/devices/awlr-01/up', '{"values":{"level_cm":12}}', { qos: 1 })
    expect(await received).toMatchObject({ tenant: '33.71', device: 'awlr-01', channel: 'up' })
    await device.endAsync()
  })
})

describe('device messages through an external broker', () => {
  const check = new DeviceEnvelopeCheck(() => knownDevices)
  const envelope = (token: string, body: unknown) => Buffer.from(JSON.stringify({ token, body }))

  it("hands on the body of a message carrying the topic's device's token", async () => {
    const body = await check.bodyOf('kendali/33.71/devices/awlr-01/up', envelope('rahasia-1', [{ n: 'level_cm', v: 12 }]))
    expect(JSON.parse(String(body))).toEqual([{ n: 'level_cm', v: 12 }])
  })

  it("drops a message with another device's token, a wrong one, another tenant's topic or no envelope", async () => {
    expect(await check.bodyOf('kendali/33.71/devices/awlr-02/up', envelope('rahasia-1', { values: { level_cm: 999 } }))).toBeNull()
    expect(await check.bodyOf('kendali/33.71/devices/awlr-01/up', envelope('salah', { values: { level_cm: 999 } }))).toBeNull()
    expect(await check.bodyOf('kendali/35.73/devices/awlr-01/up', envelope('rahasia-1', { values: { level_cm: 999 } }))).toBeNull()
    expect(await check.bodyOf('kendali/33.71/devices/awlr-01/up', Buffer.from('{"values":{"level_cm":999}}'))).toBeNull()
    expect(await check.bodyOf('kendali/33.71/devices/awlr-01/up', Buffer.from('bukan json'))).toBeNull()
  })

  it('asks again for a token it has not seen, even right after the device was checked', async () => {
    expect(await check.bodyOf('kendali/33.71/devices/awlr-01/up', envelope('rahasia-1', {}))).not.toBeNull()
    expect(await check.bodyOf('kendali/33.71/devices/awlr-01/up', envelope('tebakan', {}))).toBeNull()
  })
})

// Against a real Mosquitto when CI gives one (MQTT_URL); that broker authenticates devices itself.
describe.runIf(process.env.MQTT_URL)('external MQTT broker', () => {
  it('receives device messages published to the broker', async () => {
    const brokerUrl = process.env.MQTT_URL ?? ''
    const hub = await openMqttHub({ mqttUrl: brokerUrl, mqttPort: 0, onPortTaken: failOnPortTaken })
    hub.setDeviceAuthenticator(async (device, token) => (device === 'aqm-7' && token === 'rahasia-7' ? { tenant: '35.73', device } : null))
    const device = await mqtt.connectAsync(brokerUrl, { reconnectPeriod: 0 })
    const received = nextMessage(hub)
    await device.publishAsync('kendali/35.73/devices/aqm-7/senml', '{"token":"rahasia-7","body":[{"n":"pm25","v":31}]}', { qos: 1 })
    const message = await received
    expect(message).toMatchObject({ tenant: '35.73', device: 'aqm-7', channel: 'senml' })
    expect(JSON.parse(message.payload.toString())).toEqual([{ n: 'pm25', v: 31 }])
    await device.endAsync()
    await hub.close()
  })
})
