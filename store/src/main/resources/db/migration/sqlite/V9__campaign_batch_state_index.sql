-- Finding the next pending batch and counting progress read every batch of a campaign; without this
-- index each row read drags its recipients column (up to 500 user ids, ~17 KB) through the page cache,
-- which at 2,000 batches (1,000,000 recipients) cost 7-11 ms per batch sent. Covering: no row is read.
CREATE INDEX campaign_batches_by_state ON campaign_batches (campaign_id, state, batch_no, size);
