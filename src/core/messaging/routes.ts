import type { FastifyInstance, FastifyRequest } from 'fastify'
import { type Static, Type } from 'typebox'
import { Forbidden, Invalid, NotFound } from '../errors.ts'
import { ErrorBody } from '../http/errors.ts'
import { defineActions } from '../http/permissions.ts'
import { principalOf, tenantOf } from '../http/request.ts'
import { Int4 } from '../http/schema.ts'
import type { CoreContext, KendaliApp } from '../module.ts'
import { CHANNEL_KINDS, type ChannelKind } from './channel.ts'
import type { StoredChannel } from './messaging.ts'
import { toE164 } from './phone.ts'
import { readSmsInbound, smsTokenValid } from './sms.ts'
import { readTelegramUpdate, telegramTokenValid } from './telegram.ts'
import { readWhatsAppWebhook, verifyWhatsAppSubscription, whatsAppSignatureValid } from './whatsapp.ts'

/** Channel credentials are a tenant admin's; a direct grant is needed even to read what is configured. */
export const MESSAGING_ACTIONS = defineActions({
  'messaging.channel.read': { roles: ['admin'], write: true },
  'messaging.channel.write': { roles: ['admin'] },
})

const TenantCode = Type.String({ pattern: '^[0-9]{2}(\\.[0-9]{2})?$', description: 'Kemendagri code, e.g. `33.71`' })
const TenantParams = Type.Object({ tenant: TenantCode })
const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody }

const HttpsUrl = Type.String({ format: 'uri', pattern: '^https?://', maxLength: 500 })
const Common = {
  enabled: Type.Boolean(),
  ratePerSecond: Type.Integer({ minimum: 1, maximum: 10_000, description: "The provider's limit: messages handed over per second" }),
  dailyBudget: Type.Optional(Type.Union([Int4({ minimum: 1 }), Type.Null()], { description: 'Messages per day on this channel; none: no budget' })),
}
const Secret = Type.String({ maxLength: 2000 })
const Templates = Type.Record(
  Type.String({ pattern: '^[a-z_]{1,40}$' }),
  Type.Object(
    { name: Type.String({ pattern: '^[a-z0-9_]{1,512}$' }), language: Type.String({ pattern: '^[a-z]{2,3}(_[A-Z]{2})?$' }) },
    { additionalProperties: false },
  ),
  { description: 'Approved WhatsApp templates by purpose (alert, report_update, verification); their body takes the message values in order' },
)

export const ChannelBody = Type.Union([
  Type.Object(
    {
      kind: Type.Literal('whatsapp'),
      ...Common,
      settings: Type.Object(
        { apiBaseUrl: Type.Optional(HttpsUrl), phoneNumberId: Type.String({ pattern: '^[0-9]{1,30}$' }), templates: Type.Optional(Templates) },
        { additionalProperties: false },
      ),
      secrets: Type.Optional(
        Type.Object(
          { accessToken: Type.Optional(Secret), appSecret: Type.Optional(Secret), verifyToken: Type.Optional(Secret) },
          { additionalProperties: false },
        ),
      ),
    },
    { additionalProperties: false, description: 'WhatsApp Business Cloud API (Meta Graph API)' },
  ),
  Type.Object(
    {
      kind: Type.Literal('telegram'),
      ...Common,
      settings: Type.Object(
        { apiBaseUrl: Type.Optional(HttpsUrl), botUsername: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_]{5,32}$' })) },
        { additionalProperties: false },
      ),
      secrets: Type.Optional(Type.Object({ botToken: Type.Optional(Secret), webhookSecret: Type.Optional(Secret) }, { additionalProperties: false })),
    },
    { additionalProperties: false, description: 'Telegram Bot API' },
  ),
  Type.Object(
    {
      kind: Type.Literal('sms'),
      ...Common,
      settings: Type.Object(
        {
          method: Type.Enum(['GET', 'POST'] as const),
          urlTemplate: Type.String({ pattern: '^https?://', maxLength: 1000, description: '{{to}}, {{text}}, {{part}}, {{parts}} are filled (URL-encoded)' }),
          bodyTemplate: Type.Optional(Type.String({ maxLength: 4000, description: 'The same placeholders, escaped for the content type' })),
          contentType: Type.Optional(Type.Enum(['json', 'form'] as const)),
          auth: Type.Enum(['none', 'basic', 'bearer', 'header'] as const),
          authName: Type.Optional(Type.String({ maxLength: 100, description: 'Basic auth user, or the header name' })),
          numberFormat: Type.Optional(Type.Enum(['e164', 'digits', 'local'] as const)),
          successContains: Type.Optional(Type.String({ maxLength: 200 })),
          idPath: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_]+(\\.[A-Za-z0-9_]+)*$', maxLength: 100 })),
          maxPartLength: Type.Optional(Type.Integer({ minimum: 40, maximum: 1600 })),
          inboundFrom: Type.Optional(Type.String({ maxLength: 50 })),
          inboundText: Type.Optional(Type.String({ maxLength: 50 })),
        },
        { additionalProperties: false },
      ),
      secrets: Type.Optional(Type.Object({ authSecret: Type.Optional(Secret), inboundToken: Type.Optional(Secret) }, { additionalProperties: false })),
    },
    { additionalProperties: false, description: 'An HTTP SMS gateway, described by its request' },
  ),
])
type ChannelBody = Static<typeof ChannelBody>

const ChannelView = Type.Object({
  kind: Type.Enum(CHANNEL_KINDS),
  enabled: Type.Boolean(),
  ratePerSecond: Type.Integer(),
  dailyBudget: Type.Union([Type.Integer(), Type.Null()]),
  settings: Type.Record(Type.String(), Type.Unknown()),
  secretsSet: Type.Array(Type.String(), { description: 'Which credentials are stored; their values are never served' }),
  webhookUrl: Type.String({ description: 'The address to give the provider for inbound messages and statuses' }),
  updatedAt: Type.String({ format: 'date-time' }),
})

/** Where a request's raw body is kept for signature checks. */
const RAW = Symbol('raw body')
type WithRaw = FastifyRequest & { [RAW]?: string }

/** Admin configuration of the tenant's channels, and the providers' webhooks (public, each checked by its provider's scheme). */
export function messagingRoutes(app: KendaliApp, ctx: CoreContext): void {
  const tags = ['messaging']
  const baseUrl = (ctx.config.publicUrl ?? `http://localhost:${ctx.config.port}`).replace(/\/$/, '')
  const view = (tenant: string, c: StoredChannel) => ({
    kind: c.kind,
    enabled: c.enabled,
    ratePerSecond: c.ratePerSecond,
    dailyBudget: c.dailyBudget,
    settings: c.settings,
    secretsSet: c.secretNames,
    webhookUrl: `${baseUrl}/api/t/${tenant}/messaging/${c.kind}/webhook`,
    updatedAt: c.updatedAt.toISOString(),
  })

  app.get(
    '/api/t/:tenant/messaging/channels',
    {
      config: { action: 'messaging.channel.read' },
      schema: {
        tags,
        summary: "The tenant's messaging channels (credentials never shown)",
        params: TenantParams,
        response: { 200: Type.Array(ChannelView), ...errors },
      },
    },
    async (request) => {
      const tenant = tenantOf(request).code
      return (await ctx.messaging.channels(ctx.db, tenant)).map((c) => view(tenant, c))
    },
  )

  app.put(
    '/api/t/:tenant/messaging/channels',
    {
      config: { action: 'messaging.channel.write' },
      schema: {
        tags,
        summary: 'Configures a channel; a credential left out keeps its stored value',
        params: TenantParams,
        body: ChannelBody,
        response: { 200: ChannelView, ...errors },
      },
    },
    async (request) => {
      const tenant = tenantOf(request).code
      const body: ChannelBody = request.body
      const saved = await ctx.messaging.configure(
        ctx.db,
        tenant,
        { ...body, settings: body.settings as Record<string, unknown>, secrets: (body.secrets ?? {}) as Record<string, string> },
        principalOf(request).actor,
      )
      return view(tenant, saved)
    },
  )

  // Providers' webhooks: the body is kept raw for the signature, then parsed.
  app.register(async (scope: FastifyInstance) => {
    scope.removeContentTypeParser(['application/json', 'application/x-www-form-urlencoded'])
    scope.addContentTypeParser(
      ['application/json', 'application/x-www-form-urlencoded'],
      { parseAs: 'string', bodyLimit: 256 * 1024 },
      (request, body, done) => {
        const text = String(body)
        ;(request as WithRaw)[RAW] = text
        try {
          const form = (request.headers['content-type'] ?? '').includes('x-www-form-urlencoded')
          done(null, form ? Object.fromEntries(new URLSearchParams(text)) : JSON.parse(text))
        } catch {
          done(new Invalid('The body is not JSON', { location: 'body' }), undefined)
        }
      },
    )
    const typed = scope as unknown as KendaliApp
    const Accepted = Type.Object({ ok: Type.Boolean() })
    const channelOf = async (tenant: string, kind: ChannelKind) => {
      const channel = await ctx.messaging.channel(ctx.db, tenant, kind)
      if (!channel?.enabled) throw new NotFound(`No ${kind} channel is configured here`)
      return channel
    }

    typed.get(
      '/api/t/:tenant/messaging/whatsapp/webhook',
      {
        config: { access: 'public' },
        schema: {
          tags,
          summary: "WhatsApp's webhook verification: echoes hub.challenge when hub.verify_token matches",
          params: TenantParams,
          querystring: Type.Object({
            'hub.mode': Type.Optional(Type.String({ maxLength: 50 })),
            'hub.verify_token': Type.Optional(Type.String({ maxLength: 500 })),
            'hub.challenge': Type.Optional(Type.String({ maxLength: 500 })),
          }),
          response: { 200: Type.String(), ...errors },
        },
      },
      async (request, reply) => {
        const channel = await channelOf(tenantOf(request).code, 'whatsapp')
        const challenge = verifyWhatsAppSubscription(channel, request.query)
        if (challenge === null) throw new Forbidden('The verify token does not match')
        return reply.type('text/plain').send(challenge)
      },
    )

    typed.post(
      '/api/t/:tenant/messaging/whatsapp/webhook',
      {
        config: { access: 'public' },
        schema: {
          tags,
          summary: 'WhatsApp notifications (messages, statuses); refused unless X-Hub-Signature-256 is the HMAC of the body under the app secret',
          params: TenantParams,
          body: Type.Object({}, { additionalProperties: true }),
          response: { 200: Accepted, ...errors },
        },
      },
      async (request) => {
        const tenant = tenantOf(request).code
        const channel = await channelOf(tenant, 'whatsapp')
        const signature = request.headers['x-hub-signature-256']
        if (!whatsAppSignatureValid(channel, (request as WithRaw)[RAW] ?? '', typeof signature === 'string' ? signature : undefined)) {
          throw new Forbidden('X-Hub-Signature-256 does not match the body')
        }
        await ctx.messaging.receive(ctx.db, tenant, readWhatsAppWebhook(request.body))
        return { ok: true }
      },
    )

    typed.post(
      '/api/t/:tenant/messaging/telegram/webhook',
      {
        config: { access: 'public' },
        schema: {
          tags,
          summary: 'Telegram updates; refused unless X-Telegram-Bot-Api-Secret-Token is the webhook secret',
          params: TenantParams,
          body: Type.Object({}, { additionalProperties: true }),
          response: { 200: Accepted, ...errors },
        },
      },
      async (request) => {
        const tenant = tenantOf(request).code
        const channel = await channelOf(tenant, 'telegram')
        const token = request.headers['x-telegram-bot-api-secret-token']
        if (!telegramTokenValid(channel, typeof token === 'string' ? token : undefined)) throw new Forbidden('The secret token does not match')
        await ctx.messaging.receive(ctx.db, tenant, readTelegramUpdate(request.body))
        return { ok: true }
      },
    )

    typed.post(
      '/api/t/:tenant/messaging/sms/webhook',
      {
        config: { access: 'public' },
        schema: {
          tags,
          summary: "An SMS gateway's inbound message (JSON or form); refused unless `token` is the channel's inbound token",
          params: TenantParams,
          querystring: Type.Object({ token: Type.Optional(Type.String({ maxLength: 500 })) }),
          body: Type.Object({}, { additionalProperties: true }),
          response: { 200: Accepted, ...errors },
        },
      },
      async (request) => {
        const tenant = tenantOf(request).code
        const channel = await channelOf(tenant, 'sms')
        if (!smsTokenValid(channel, request.query.token)) throw new Forbidden('The inbound token does not match')
        await ctx.messaging.receive(
          ctx.db,
          tenant,
          readSmsInbound(channel, request.body, (phone) => toE164(phone, 'from')),
        )
        return { ok: true }
      },
    )
  })
}
