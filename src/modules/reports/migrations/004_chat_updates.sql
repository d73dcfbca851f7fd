-- Status updates by chat: the reporter may leave a WhatsApp or SMS number or a Telegram chat id at intake (their
-- opt-in for this one report), erased with the other contacts when the report's retention ends; and the language
-- the reporter wrote in, for the updates' wording.
ALTER TABLE reports ADD COLUMN updates_channel text CHECK (updates_channel IN ('whatsapp', 'telegram', 'sms'));
ALTER TABLE reports ADD COLUMN updates_to text;
ALTER TABLE reports ADD COLUMN language text NOT NULL DEFAULT 'id' CHECK (language IN ('id', 'en'));
