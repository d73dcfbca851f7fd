import { readFileSync } from 'node:fs'
import { createServer, type Server, type Socket } from 'node:net'
import { createServer as createTlsServer } from 'node:tls'
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

/** Handles a device's message; the embedded broker acknowledges (QoS 1) and reads on only once the promise settles. */
export type DeviceMessageHandler = (message: DeviceMessage) => void | Promise<void>

/**
 * Devices publish to `kendali/{tenant}/devices/{device}/{channel}`. The embedded broker lets a device
 * publish and subscribe only under its own prefix, so the topic names the device reliably. An external
 * broker's accounts are not Kendali's: there a device's messages carry its token (see DeviceEnvelopeCheck).
 */
export interface MqttHub {
  readonly kind: 'embedded' | 'external' | 'unavailable'
  /** The embedded broker's port (useful when it was 0, i.e. any free port). */
  readonly port: number | null
  /** The embedded broker's TLS port, when it has one. */
  readonly tlsPort: number | null
  /** Set by the module that knows devices (sensors); without it the embedded broker refuses everyone. */
  setDeviceAuthenticator(authenticate: DeviceAuthenticator): void
  onDeviceMessage(handler: DeviceMessageHandler): () => void
  publish(topic: string, payload: string | Buffer): Promise<void>
  /** Whether devices' messages can arrive now: the embedded broker is open, or the external one is connected. */
  up(): boolean
  /** Devices connected to the embedded broker; null where Kendali cannot see them (an external broker). */
  clients(): number | null
  close(): Promise<void>
}

const TOPIC = /^kendali\/([0-9.]+)\/devices\/([A-Za-z0-9_.:-]{1,100})\/(.+)$/
const IDENTIFIER_REJECTED = 2
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
  async deliver(topic: string, payload: Buffer): Promise<void> {
    const message = parseDeviceTopic(topic, payload)
    if (message) await Promise.all([...this.set].map((handler) => handler(message)))
  }
}

function refused(message: string, returnCode = NOT_AUTHORIZED): AuthenticateError {
  return Object.assign(new Error(message), { returnCode }) as AuthenticateError
}

export interface EmbeddedBrokerOptions {
  port: number
  /** A second listener with TLS: the port, and the PEM certificate and key files. */
  tls?: { port: number; certFile: string; keyFile: string } | null
  /** A packet whose header announces more bytes than this closes its connection before it is buffered. */
  maxPacketBytes: number
  /** A device with this many messages not yet handled (stored) is read no further until one is. */
  maxInFlightPerDevice?: number
}

const MAX_IN_FLIGHT_PER_DEVICE = 1000

/**
 * Aedes has no packet size limit, and its parser buffers a packet whole before handing it on: the length in a
 * packet's fixed header is checked as soon as the parser reads it (mqtt-packet's `_parseLength`), and a
 * connection announcing too much is closed.
 */
function limitPacketSize(client: Client, socket: Socket, maxBytes: number): void {
  const parser = (client as unknown as { _parser: { _parseLength(): boolean; packet: { length: number } } })._parser
  const parseLength = parser._parseLength.bind(parser)
  parser._parseLength = () => {
    const isRead = parseLength()
    if (isRead && parser.packet.length > maxBytes) {
      socket.destroy()
      return false
    }
    return isRead
  }
}

/** Aedes clients can stop reading their socket (pause) and start again (resume); its types leave that out. */
const paused = (client: Client) => client as unknown as { pause(): void; resume(): void }

class EmbeddedHub implements MqttHub {
  readonly kind = 'embedded' as const
  private authenticator: DeviceAuthenticator | null = null
  private readonly identities = new WeakMap<Client, DeviceIdentity>()
  private readonly handlers = new Handlers()
  private readonly inFlight = new WeakMap<Client, number>()

  private constructor(
    private readonly broker: Aedes,
    private readonly servers: Server[],
    readonly port: number,
    readonly tlsPort: number | null,
    private readonly maxInFlight: number,
  ) {}

  static async start(opts: EmbeddedBrokerOptions): Promise<EmbeddedHub> {
    const broker = await Aedes.createBroker({ drainTimeout: 30_000, maxTopicLevels: 12 })
    const handle = (socket: Socket) => limitPacketSize(broker.handle(socket), socket, opts.maxPacketBytes)
    const servers: Server[] = []
    const listen = async (server: Server, port: number) => {
      servers.push(server)
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject)
        server.listen(port, () => resolve())
      })
      const address = server.address()
      return address && typeof address === 'object' ? address.port : port
    }
    try {
      const port = await listen(createServer(handle), opts.port)
      const tlsPort = opts.tls
        ? await listen(createTlsServer({ cert: readFileSync(opts.tls.certFile), key: readFileSync(opts.tls.keyFile) }, handle), opts.tls.port)
        : null
      const hub = new EmbeddedHub(broker, servers, port, tlsPort, opts.maxInFlightPerDevice ?? MAX_IN_FLIGHT_PER_DEVICE)
      hub.guard()
      return hub
    } catch (err) {
      for (const server of servers) server.close()
      await new Promise<void>((resolve) => broker.close(() => resolve()))
      throw err
    }
  }

  private guard(): void {
    // MQTT-3.1.3-8: a client without an id must ask for a clean session (nothing to resume it by).
    const withoutIdKeepingSession = new WeakSet<Client>()
    this.broker.preConnect = (client, packet, done) => {
      if (!packet.clientId && !packet.clean) withoutIdKeepingSession.add(client)
      done(null, true)
    }
    this.broker.authenticate = (client, username, password, done) => {
      if (withoutIdKeepingSession.has(client)) {
        done(refused('a client without an id must ask for a clean session', IDENTIFIER_REJECTED), false)
        return
      }
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
      if (!prefix || !packet.topic.startsWith(prefix)) return done(new Error('devices publish only under their own topic'))
      // Aedes sends a QoS 1 PUBACK only after this is done: so a device's publish is acknowledged once handled
      // (stored). Should storing fail, the connection closes without the PUBACK and the device sends it again.
      // A device with too many messages in hand is read no further (back-pressure down to its TCP window).
      const count = (this.inFlight.get(client) ?? 0) + 1
      this.inFlight.set(client, count)
      if (count === this.maxInFlight) paused(client).pause()
      const settle = (err: Error | null) => {
        const left = (this.inFlight.get(client) ?? 1) - 1
        this.inFlight.set(client, left)
        done(err)
        if (left === this.maxInFlight - 1) paused(client).resume()
      }
      this.handlers.deliver(packet.topic, Buffer.from(packet.payload)).then(
        () => settle(null),
        (err: unknown) => settle(err instanceof Error ? err : new Error(String(err))),
      )
    }
    this.broker.authorizeSubscribe = (client, subscription, done) => {
      const prefix = ownPrefix(client)
      done(null, prefix && subscription.topic.startsWith(prefix) ? subscription : null)
    }
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

  up(): boolean {
    return !this.broker.closed
  }

  clients(): number {
    return this.broker.connectedClients
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.broker.close(() => resolve()))
    for (const server of this.servers) await new Promise<void>((resolve) => server.close(() => resolve()))
  }
}

// A device's token, once checked, is trusted for this long without asking the database again.
const VERIFIED_FOR_MS = 60_000

/**
 * An external broker (Mosquitto, EMQX) lets devices connect with its own accounts, which Kendali cannot see:
 * anyone with an account there could publish under any device's topic. So there a device wraps what it sends
 * as `{"token": "<its token>", "body": <its payload>}`; the token is checked against the device the topic
 * names, and only the body is handed on.
 */
export class DeviceEnvelopeCheck {
  private readonly verified = new Map<string, { token: string; until: number }>()

  constructor(private readonly authenticate: () => DeviceAuthenticator | null) {}

  /** The body of a message whose token is the topic's device's; null for anything else. */
  async bodyOf(topic: string, payload: Buffer): Promise<Buffer | null> {
    const message = parseDeviceTopic(topic, payload)
    const authenticate = this.authenticate()
    if (!message || !authenticate) return null
    let envelope: unknown
    try {
      envelope = JSON.parse(payload.toString('utf8'))
    } catch {
      return null
    }
    if (!envelope || typeof envelope !== 'object' || !('token' in envelope) || !('body' in envelope)) return null
    const { token, body } = envelope
    if (typeof token !== 'string' || token.length === 0 || token.length > 500) return null
    const key = `${message.tenant}/${message.device}`
    const known = this.verified.get(key)
    if (!known || known.token !== token || known.until < Date.now()) {
      const identity = await authenticate(message.device, token)
      if (!identity || identity.tenant !== message.tenant || identity.device !== message.device) return null
      this.verified.set(key, { token, until: Date.now() + VERIFIED_FOR_MS })
    }
    return Buffer.from(JSON.stringify(body))
  }
}

/** An external broker: Kendali subscribes to every device topic and takes what DeviceEnvelopeCheck lets through. */
class ExternalHub implements MqttHub {
  readonly kind = 'external' as const
  readonly port = null
  readonly tlsPort = null
  private readonly handlers = new Handlers()
  private authenticator: DeviceAuthenticator | null = null
  private readonly envelopes = new DeviceEnvelopeCheck(() => this.authenticator)

  private constructor(private readonly client: mqtt.MqttClient) {
    client.on('message', (topic, payload) => {
      this.envelopes.bodyOf(topic, payload).then(
        (body) => {
          // Acknowledged to the broker on receipt, as before: mqtt.js hands messages on one at a time, so waiting
          // here for each to be stored would write one message per transaction.
          if (body) this.handlers.deliver(topic, body).catch(() => undefined)
        },
        () => undefined,
      )
    })
  }

  static async connect(url: string): Promise<ExternalHub> {
    const client = await mqtt.connectAsync(url, { clientId: `kendali-${process.pid}-${Date.now().toString(36)}`, reconnectPeriod: 2000, protocolVersion: 5 })
    // A shared subscription: with several Kendali instances, each device message reaches one of them.
    await client.subscribeAsync('$share/kendali/kendali/+/devices/#', { qos: 1 })
    return new ExternalHub(client)
  }

  setDeviceAuthenticator(authenticate: DeviceAuthenticator): void {
    this.authenticator = authenticate
  }

  onDeviceMessage(handler: DeviceMessageHandler): () => void {
    return this.handlers.add(handler)
  }

  async publish(topic: string, payload: string | Buffer): Promise<void> {
    await this.client.publishAsync(topic, payload)
  }

  up(): boolean {
    return this.client.connected
  }

  clients(): null {
    return null
  }

  async close(): Promise<void> {
    await this.client.endAsync()
  }
}

/** Stands in when the embedded broker's port is taken: the platform runs on, devices cannot connect. */
export class UnavailableHub implements MqttHub {
  readonly kind = 'unavailable' as const
  readonly port = null
  readonly tlsPort = null
  setDeviceAuthenticator(): void {}
  onDeviceMessage(): () => void {
    return () => undefined
  }
  async publish(): Promise<void> {}
  up(): boolean {
    return false
  }
  clients(): null {
    return null
  }
  async close(): Promise<void> {}
}

export async function openMqttHub(opts: {
  mqttUrl: string | null
  mqttPort: number
  tls?: EmbeddedBrokerOptions['tls']
  maxPacketBytes?: number
  maxInFlightPerDevice?: number
  onPortTaken: (err: Error) => void
}): Promise<MqttHub> {
  if (opts.mqttUrl) return ExternalHub.connect(opts.mqttUrl)
  try {
    return await EmbeddedHub.start({
      port: opts.mqttPort,
      tls: opts.tls,
      maxPacketBytes: opts.maxPacketBytes ?? 64 * 1024,
      maxInFlightPerDevice: opts.maxInFlightPerDevice,
    })
  } catch (err) {
    if (err instanceof Error && 'code' in err && err.code === 'EADDRINUSE') {
      opts.onPortTaken(err)
      return new UnavailableHub()
    }
    throw err
  }
}
