-- POST /apis/events: a plain webhook, 202 once the bus accepted the event
wrk.method = "POST"
wrk.body = "{\"order\":\"2001\"}"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["X-Event-Type"] = "bench.ping"
