-- wrk script of bench/peers: POSTs one GraphQL body with a bearer token and prints, when done,
-- one JSON line of figures for the Python driver.
--
--   wrk ... -s load.lua URL -- BODY_FILE TOKEN TAG      (TOKEN "-" for none)
--
-- With WRK_UNIQUE=1 in the environment, each request replaces __UNIQUE__ in the body with
-- TAG-thread-counter, so every registration has an email of its own. Without it the request is
-- built once (wrk's static path), as cheap for the load generator as wrk gets.
local threads = {}
local UNIQUE = "__UNIQUE__"

function setup(thread)
   thread:set("id", #threads + 1)
   table.insert(threads, thread)
end

function init(args)
   local file = assert(io.open(args[1], "rb"))
   local body = file:read("*a")
   file:close()
   wrk.method = "POST"
   wrk.headers["Content-Type"] = "application/json"
   if args[2] ~= "-" then
      wrk.headers["Authorization"] = "Bearer " .. args[2]
   end
   local at = body:find(UNIQUE, 1, true)
   if at then
      prefix = body:sub(1, at - 1)
      suffix = body:sub(at + #UNIQUE)
      stem = args[3] .. "-" .. id .. "-"
   end
   wrk.body = body
   counter = 0
   non2xx = 0
   failed = 0
end

if os.getenv("WRK_UNIQUE") == "1" then
   function request()
      counter = counter + 1
      return wrk.format(nil, nil, nil, prefix .. stem .. counter .. suffix)
   end
end

-- An HTTP 200 can still carry a GraphQL error, an error result (Vendure's `errorCode`) or
-- user errors (Gatehouse's `userErrors`); they count apart from non-2xx answers.
function response(status, headers, body)
   if status < 200 or status > 299 then
      non2xx = non2xx + 1
   elseif body and (body:find('"errors"%s*:') or body:find('"errorCode"')
                    or body:find('"userErrors"%s*:%s*%[%s*{')) then
      failed = failed + 1
   end
end

function done(summary, latency, requests)
   local bad_status, bad_body = 0, 0
   for _, thread in ipairs(threads) do
      bad_status = bad_status + thread:get("non2xx")
      bad_body = bad_body + thread:get("failed")
   end
   local errors = summary.errors
   io.write(string.format(
      '{"requests": %d, "duration_us": %d, "non2xx": %d, "graphql_errors": %d, "socket_errors": %d, '
      .. '"timeouts": %d, "p50_us": %d, "p90_us": %d, "p99_us": %d, "max_us": %d}\n',
      summary.requests, summary.duration, bad_status, bad_body,
      errors.connect + errors.read + errors.write, errors.timeout,
      latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
