-- A signed webhook body that does not parse is kept as a dead letter byte for byte (it need not be
-- UTF-8), so that replaying it splits the original bytes again. Null for dead-lettered events.
-- Numbered as the SQLite migration of the same change.
ALTER TABLE dead_letters ADD COLUMN body bytea;
