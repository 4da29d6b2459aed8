-- Campaigns sent by one narrowcast instead of multicast batches; its progress is polled until done.
ALTER TABLE campaigns ADD COLUMN mode TEXT NOT NULL DEFAULT 'multicast';
ALTER TABLE campaigns ADD COLUMN audience_group_id INTEGER;
