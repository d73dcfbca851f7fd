-- Reporter addresses were kept as plain SHA-256, which anyone can reverse by hashing every IPv4 address. They are
-- now keyed hashes (HMAC with the instance key). Old hashes are dropped rather than kept: they only served the
-- one-hour submission limits, which start afresh.
UPDATE reports SET reporter_ip_hash = NULL WHERE reporter_ip_hash IS NOT NULL;
UPDATE report_supporters SET ip_hash = NULL WHERE ip_hash IS NOT NULL;
