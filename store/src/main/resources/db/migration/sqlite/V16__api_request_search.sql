-- The console's LINE API log: searched by time, endpoint, status, retry key and request id, newest
-- first, a page at a time after the last row shown (time, then id). Each search walks one index in
-- that order, so that a page costs the same with a million rows.
DROP INDEX api_requests_by_time;
CREATE INDEX api_requests_by_time ON api_requests (at, id);
CREATE INDEX api_requests_by_endpoint ON api_requests (endpoint, at, id);
CREATE INDEX api_requests_by_status ON api_requests (status, at, id);
CREATE INDEX api_requests_by_retry_key ON api_requests (retry_key);
CREATE INDEX api_requests_by_accepted_request_id ON api_requests (accepted_request_id);
