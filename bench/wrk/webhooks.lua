-- wrk script: POSTs pre-generated, distinct, signed webhook bodies to /webhook, cycling through
-- them. Each wrk thread starts at a different offset so threads do not send the same ids together.
-- BODIES (env) is the file written by `linegate-bench.jar gen`: "signature<TAB>body" per line.
-- REQUESTS (env, optional): a fixed load. Each thread stops once it has its share of REQUESTS responses and
-- then creates the file DONE_DIR/<thread number>; wrk itself runs on until -d, so the caller ends it with
-- SIGINT once every thread's file is there (wrk then prints its results, its duration up to the signal).
-- The requests in flight on a thread's other connections when it stops are answered by the server but not
-- counted here: at most one per connection.

local threads = {}
local counter = 0

function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  local path = os.getenv("BODIES")
  requests = {}
  local f = assert(io.open(path, "r"))
  for line in f:lines() do
    local tab = string.find(line, "\t", 1, true)
    local sig = string.sub(line, 1, tab - 1)
    local body = string.sub(line, tab + 1)
    requests[#requests + 1] = wrk.format("POST", "/webhook",
      { ["Content-Type"] = "application/json; charset=utf-8", ["x-line-signature"] = sig }, body)
  end
  f:close()
  local n = #requests
  local nthreads = tonumber(os.getenv("WRK_THREADS") or "1")
  idx = math.floor(n * tid / math.max(nthreads, 1)) % n
  non200 = 0
  responses = 0
  quota = nil
  local total = tonumber(os.getenv("REQUESTS") or "")
  if total then
    quota = math.floor(total / math.max(nthreads, 1))
    if tid == 0 then quota = quota + total % math.max(nthreads, 1) end
  end
end

function request()
  idx = idx + 1
  if idx > #requests then idx = 1 end
  return requests[idx]
end

function response(status, headers, body)
  if status ~= 200 then non200 = non200 + 1 end
  if quota then
    responses = responses + 1
    if responses == quota then
      local dir = os.getenv("DONE_DIR")
      if dir then assert(io.open(dir .. "/" .. tid, "w")):close() end
      wrk.thread:stop()
    end
  end
end

function done(summary, latency, requests)
  local n = 0
  for _, t in ipairs(threads) do n = n + (t:get("non200") or 0) end
  io.write(string.format("RESULT requests %d\n", summary.requests))
  io.write(string.format("RESULT duration_s %.3f\n", summary.duration / 1e6))
  io.write(string.format("RESULT rps %.0f\n", summary.requests / (summary.duration / 1e6)))
  io.write(string.format("RESULT non200 %d\n", n))
  io.write(string.format("RESULT socket_errors %d\n", summary.errors.connect + summary.errors.read
    + summary.errors.write + summary.errors.timeout))
  io.write(string.format("RESULT p50_ms %.2f\n", latency:percentile(50) / 1000))
  io.write(string.format("RESULT p90_ms %.2f\n", latency:percentile(90) / 1000))
  io.write(string.format("RESULT p99_ms %.2f\n", latency:percentile(99) / 1000))
  io.write(string.format("RESULT max_ms %.2f\n", latency.max / 1000))
end
