import { createServer, type Server } from 'node:net'
import { Aedes, type AuthenticateError, type Client } from 'aedes'
import mqtt from 'mqtt'

/** Who a device is, as its credentials say. */
export interface DeviceIdentity {
  tenant: string
  device: string
}

export type DeviceAuthenticator = (username: string, password: string) => Promise<DeviceIdentity | null>

export interface DeviceMessage {
  tenant: string
  device: string
  /** The topic below `kendali/{tenant}/devices/{device}/`, e.g. `readings` or `senml`. */
  channel: string
  payload: Buffer
}

export type DeviceMessageHandler = (message: DeviceMessage) => void

/**
 * Devices publish to `kendali/{tenant}/devices/{device}/{channel}`. The embedded broker lets a device
 * publish and subscribe only under its own prefix, so the topic names the device reliably.
 */
export interface MqttHub {
  readonly kind: 'embedded' | 'external' | 'unavailable'
  /** The embedded broker's port (useful when it was 0, i.e. any free port). */
  readonly port: number | null
  /** Set by the module that knows devices (sensors); without it the embedded broker refuses everyone. */
  setDeviceAuthenticator(authenticate: DeviceAuthenticator): void
  onDeviceMessage(handler: DeviceMessageHandler): () => void
  publish(topic: string, payload: string | Buffer): Promise<void>
  close(): Promise<void>
}

const TOPIC = /^kendali\/([0-9.]+)\/devices\/([A-Za-z0-9_.:-]{1,100})\/(.+)$/
const NOT_AUTHORIZED = 5

export function parseDeviceTopic(topic: string, payload: Buffer): DeviceMessage | null {
  const match = TOPIC.exec(topic)
  return match ? { tenant: match[1], device: match[2], channel: match[3], payload } : null
}

class Handlers {
  private readonly set = new Set<DeviceMessageHandler>()
  add(handler: DeviceMessageHandler): () => void {
    this.set.add(handler)
    return () => this.set.delete(handler)
  }
  deliver(topic: string, payload: Buffer): void {
    const message = parseDeviceTopic(topic, payload)
    if (message) for (const handler of this.set) handler(message)
  }
}

function refused(message: string): AuthenticateError {
  return Object.assign(new Error(message), { returnCode: NOT_AUTHORIZED }) as AuthenticateError
}

class EmbeddedHub implements MqttHub {
  readonly kind = 'embedded' as const
  private authenticator: DeviceAuthenticator | null = null
  private readonly identities = new WeakMap<Client, DeviceIdentity>()
  private readonly handlers = new Handlers()

  private constructor(
    private readonly broker: Aedes,
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(port: number): Promise<EmbeddedHub> {
    const broker = await Aedes.createBroker({ drainTimeout: 30_000, maxTopicLevels: 12 })
    const server = createServer(broker.handle)
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(port, () => resolve())
    })
    const address = server.address()
    const hub = new EmbeddedHub(broker, server, address && typeof address === 'object' ? address.port : port)
    hub.guard()
    return hub
  }

  private guard(): void {
    this.broker.authenticate = (client, username, password, done) => {
      if (!this.authenticator || !username || !password) {
        done(refused('device credentials required'), false)
        return
      }
      this.authenticator(username, password.toString('utf8')).then(
        (identity) => {
          if (!identity) return done(refused('unknown device or wrong secret'), false)
          this.identities.set(client, identity)
          done(null, true)
        },
        () => done(refused('device check failed'), false),
      )
    }
    const ownPrefix = (client: Client | null) => {
      const identity = client ? this.identities.get(client) : undefined
      return identity ? `kendali/${identity.tenant}/devices/${identity.device}/` : null
    }
    this.broker.authorizePublish = (client, packet, done) => {
      // Messages the platform itself publishes have no client.
      if (!client) return done(null)
      const prefix = ownPrefix(client)
      done(prefix && packet.topic.startsWith(prefix) ? null : new Error('devices publish only under their own topic'))
    }
    this.broker.authorizeSubscribe = (client, subscription, done) => {
      const prefix = ownPrefix(client)
      done(null, prefix && subscription.topic.startsWith(prefix) ? subscription : null)
    }
    this.broker.on('publish', (packet, client) => {
      if (client) this.handlers.deliver(packet.topic, Buffer.from(packet.payload))
    })
  }

  setDeviceAuthenticator(authenticate: DeviceAuthenticator): void {
    this.authenticator = authenticate
  }

  onDeviceMessage(handler: DeviceMessageHandler): () => void {
    return this.handlers.add(handler)
  }

  publish(topic: string, payload: string | Buffer): Promise<void> {
    return new Promise((resolve, reject) =>
      this.broker.publish({ cmd: 'publish', topic, payload: Buffer.from(payload), qos: 0, retain: false, dup: false }, (err) =>
        err ? reject(err) : resolve(),
      ),
    )
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.broker.close(() => resolve()))
    await new Promise<void>((resolve) => this.server.close(() => resolve()))
  }
}

/** An external broker (Mosquitto, EMQX) authenticates devices itself; Kendali subscribes to every device topic. */
class ExternalHub implements MqttHub {
  readonly kind = 'external' as const
  readonly port = null
  private readonly handlers = new Handlers()

  private constructor(private readonly client: mqtt.MqttClient) {
    client.on('message', (topic, payload) => this.handlers.deliver(topic, payload))
  }

  static async connect(url: string): Promise<ExternalHub> {
    const client = await mqtt.connectAsync(url, { clientId: `kendali-${process.pid}-${Date.now().toString(36)}`, reconnectPeriod: 2000, protocolVersion: 5 })
    // A shared subscription: with several Kendali instances, each device message reaches one of them.
    await client.subscribeAsync('$share/kendali/kendali/+/devices/#', { qos: 1 })
    return new ExternalHub(client)
  }

  setDeviceAuthenticator(): void {}

  onDeviceMessage(handler: DeviceMessageHandler): () => void {
    return this.handlers.add(handler)
  }

  async publish(topic: string, payload: string | Buffer): Promise<void> {
    await this.client.publishAsync(topic, payload)
  }

  async close(): Promise<void> {
    await this.client.endAsync()
  }
}

/** Stands in when the embedded broker's port is taken: the platform runs on, devices cannot connect. */
export class UnavailableHub implements MqttHub {
  readonly kind = 'unavailable' as const
  readonly port = null
  setDeviceAuthenticator(): void {}
  onDeviceMessage(): () => void {
    return () => undefined
  }
  async publish(): Promise<void> {}
  async close(): Promise<void> {}
}

export async function openMqttHub(opts: { mqttUrl: string | null; mqttPort: number; onPortTaken: (err: Error) => void }): Promise<MqttHub> {
  if (opts.mqttUrl) return ExternalHub.connect(opts.mqttUrl)
  try {
    return await EmbeddedHub.start(opts.mqttPort)
  } catch (err) {
    if (err instanceof Error && 'code' in err && err.code === 'EADDRINUSE') {
      opts.onPortTaken(err)
      return new UnavailableHub()
    }
    throw err
  }
}
