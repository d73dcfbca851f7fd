import mqtt from 'mqtt'

// The devices of the sensor bench (bench/sensors.ts), in a process of their own: on a 2-core machine the
// clients' work runs on the other core instead of being charged to the server's throughput, as an outside
// harness would measure it. Driven over the IPC channel: connect, publish, post, close.

export type ClientsCommand =
  | { kind: 'connect'; url: string; devices: { username: string; password: string }[] }
  | { kind: 'publish'; topics: string[]; messages: string[]; qos: 0 | 1 }
  | { kind: 'packs'; packs: Pack[] }
  | { kind: 'post'; url: string; concurrency: number }
  | { kind: 'close' }

export type ClientsAnswer = { kind: 'done' } | { kind: 'failed'; message: string }

/** A SenML pack to POST, and how many readings the answer must accept. */
export interface Pack {
  path: string
  token: string
  body: string
  expected: number
}

let clients: mqtt.MqttClient[] = []
let packs: Pack[] = []

/** Every client publishes every message as fast as it can; resolves when the last is written (QoS 0) or acknowledged (QoS 1). */
function publishAll(topics: string[], messages: string[], qos: 0 | 1): Promise<unknown> {
  return Promise.all(
    clients.map(
      (client, i) =>
        new Promise<void>((resolve, reject) => {
          let left = messages.length
          for (const message of messages)
            client.publish(topics[i], message, { qos }, (err) => {
              if (err) reject(err)
              else if (--left === 0) resolve()
            })
        }),
    ),
  )
}

/** SenML packs POSTed `concurrency` at once; each must come back 200 with every reading accepted. */
async function postAll(url: string, concurrency: number): Promise<void> {
  let next = 0
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < packs.length) {
        const pack = packs[next++]
        const res = await fetch(`${url}${pack.path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${pack.token}` },
          body: pack.body,
        })
        const outcome = (await res.json()) as { accepted?: number }
        if (res.status !== 200 || outcome.accepted !== pack.expected) throw new Error(`HTTP ingest: ${res.status} ${JSON.stringify(outcome)}`)
      }
    }),
  )
}

async function run(command: ClientsCommand): Promise<void> {
  switch (command.kind) {
    case 'connect':
      clients = await Promise.all(command.devices.map((d) => mqtt.connectAsync(command.url, { ...d, reconnectPeriod: 0 })))
      return
    case 'publish':
      await publishAll(command.topics, command.messages, command.qos)
      return
    case 'packs':
      packs = command.packs
      return
    case 'post':
      await postAll(command.url, command.concurrency)
      return
    case 'close':
      await Promise.all(clients.map((c) => c.endAsync()))
      clients = []
      return
  }
}

process.on('message', (command: ClientsCommand) => {
  run(command).then(
    () => process.send?.({ kind: 'done' } satisfies ClientsAnswer),
    (err: unknown) => process.send?.({ kind: 'failed', message: err instanceof Error ? err.message : String(err) } satisfies ClientsAnswer),
  )
})
