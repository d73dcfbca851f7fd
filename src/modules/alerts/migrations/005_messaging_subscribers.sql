-- Subscribers on WhatsApp and SMS (a number in E.164) and Telegram (a chat id, learnt when the person starts the
-- bot); their messages are delivery records of the core messaging layer, not alert_deliveries.
ALTER TABLE alert_subscriptions DROP CONSTRAINT alert_subscriptions_channel_check;
ALTER TABLE alert_subscriptions ADD CONSTRAINT alert_subscriptions_channel_check
  CHECK (channel IN ('email', 'webhook', 'push', 'whatsapp', 'telegram', 'sms'));
