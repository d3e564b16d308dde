-- wrk script: POST one CloudEvent per request in binary mode (ce-* headers), each with its own ce-id.
-- Usage: wrk -t2 -c32 -d20s -s events-server/bench/post-event.lua http://127.0.0.1:8181/
local counter = 0
local threads = 0
local run = tostring(os.time())

-- runs in the main Lua state, once per thread: each thread's ids get their own prefix (a global in its state)
function setup(thread)
  threads = threads + 1
  thread:set("prefix", run .. "-" .. threads)
end

wrk.method = "POST"
wrk.body = '{"order":"2001","amount":42}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["ce-specversion"] = "1.0"
wrk.headers["ce-type"] = "bench.order.created"
wrk.headers["ce-source"] = "/bench/wrk"

function request()
  counter = counter + 1
  wrk.headers["ce-id"] = prefix .. "-" .. counter
  wrk.headers["ce-subject"] = tostring(counter % 64)
  return wrk.format()
end

function done(summary, latency, requests)
  local non2xx = summary.errors.status
  io.write(string.format("requests %d, duration %.1f s, %.0f req/s, non-2xx %d, socket errors %d\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6), non2xx,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
