-- POST /function/greet: synchronous invocation of the trigger 'greet' (plain body, reply in binary mode)
wrk.method = "POST"
wrk.body = "Ada"
wrk.headers["Content-Type"] = "text/plain"
