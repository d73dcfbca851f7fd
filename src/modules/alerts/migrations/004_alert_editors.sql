-- Two-person rule: everyone who changed a draft (besides its author), none of whom may approve it.
ALTER TABLE alerts ADD COLUMN editors text[] NOT NULL DEFAULT '{}';
