-- wrk script for bench/soak.sh: a fixed mix of gateway requests, every response checked against the request
-- it answers. wrk does not say which request a response belongs to, so each request carries its number n:
-- in the object key (a 302's Location repeats the key) and in the W3C trace id (a problem+json body repeats
-- it as "traceId"). The number gives the request's kind, and the kind its expected status.
--
--   wrk ... -s soak.lua URL -- FIRST TOKEN
--     FIRST  the number of this run's first request (runs continue one another's numbering, so keys stay unique)
--     TOKEN  the bearer token (a JWT: the gateway's `token` verb)
--
-- done() prints machine-readable lines for soak.sh:
--   SOAK_KIND <kind> <expected status> <responses> <wrong>   one per kind
--   SOAK_WRONG <kind> <status> <count>                       a wrong answer: unexpected status, or a 302
--                                                            whose Location lacks the key or the signature
--   SOAK_UNKNOWN <status> <count>                            a response that names no request of this run
--   SOAK_SENT <requests sent>                                the next run's FIRST is FIRST + this
--   SOAK_SOCKET <connect> <read> <write> <timeout>           wrk's socket errors

-- Every key is new (soak/<n>.bin), so a cache that grows with distinct keys shows in the memory figures.
local kinds = {
  { name = "files-302", path = "/files/acme/soak/%d.bin", status = 302, signature = "X-Amz-Signature=" },
  { name = "cos-302", path = "/cos/acme/soak/%d.bin", status = 302, signature = "q-signature=" },
  { name = "no-token-401", path = "/files/acme/soak/%d.bin", status = 401, anonymous = true },
  { name = "other-tenant-403", path = "/files/globex/soak/%d.bin", status = 403 },
  { name = "deny-rule-403", path = "/files/acme/drafts/%d.bin", status = 403 },
  { name = "no-route-404", path = "/soak-no-route/%d.bin", status = 404 },
  { name = "bad-key-400", path = "/files/acme/soak/%%5C%d.bin", status = 400 },
}
-- 20 requests: 15 signed redirects (8 S3, 7 COS) and one of each refusal.
local cycle = { 1, 2, 1, 2, 3, 1, 2, 1, 2, 4, 1, 2, 1, 2, 5, 1, 2, 1, 6, 7 }

local function kind_of(n) return cycle[n % #cycle + 1] end

-- trace id: "50a4" then n in 28 decimal digits (decimal digits are hex digits, and the id is never all zeros)
local trace_prefix = "00-50a4"
local trace_suffix = "-00f067aa0ba902b7-01"

local threads = {}
function setup(thread) table.insert(threads, thread) end

function init(args)
  first = tonumber(args[1]) or 0
  token = args[2] or ""
  sent = 0
  responses, wrong, unknown = {}, {}, {}
  for k = 1, #kinds do responses[k] = 0 end
end

function request()
  local n = first + sent
  sent = sent + 1
  local kind = kinds[kind_of(n)]
  local headers = { traceparent = string.format("%s%028d%s", trace_prefix, n, trace_suffix) }
  if not kind.anonymous then headers["Authorization"] = "Bearer " .. token end
  return wrk.format("GET", string.format(kind.path, n), headers)
end

local function count(t, key) t[key] = (t[key] or 0) + 1 end

function response(status, headers, body)
  local n
  local location = headers["Location"]
  if location then
    n = tonumber(location:match("/soak/(%d+)%.bin%?"))
  elseif body then
    n = tonumber(body:match('"traceId":"00%-50a4(%d+)%-'))
  end
  if not n or n < first or n >= first + sent then
    count(unknown, status)
    return
  end
  local k = kind_of(n)
  local kind = kinds[k]
  responses[k] = responses[k] + 1
  local ok = status == kind.status
  if ok and kind.signature then
    ok = location:find(kind.signature, 1, true) ~= nil
  end
  if not ok then count(wrong, k .. " " .. status) end
end

function done(summary, latency, requests)
  local total_sent, total_responses, total_wrong, total_unknown = 0, {}, {}, {}
  for _, t in ipairs(threads) do
    total_sent = total_sent + t:get("sent")
    for k, v in pairs(t:get("responses")) do total_responses[k] = (total_responses[k] or 0) + v end
    for key, v in pairs(t:get("wrong")) do total_wrong[key] = (total_wrong[key] or 0) + v end
    for key, v in pairs(t:get("unknown")) do total_unknown[key] = (total_unknown[key] or 0) + v end
  end
  for k, kind in ipairs(kinds) do
    local bad = 0
    for key, v in pairs(total_wrong) do
      local wk, status = key:match("^(%d+) (%d+)$")
      if tonumber(wk) == k then
        bad = bad + v
        io.write(string.format("SOAK_WRONG %s %s %d\n", kind.name, status, v))
      end
    end
    io.write(string.format("SOAK_KIND %s %d %d %d\n", kind.name, kind.status, total_responses[k] or 0, bad))
  end
  for status, v in pairs(total_unknown) do io.write(string.format("SOAK_UNKNOWN %s %d\n", status, v)) end
  io.write(string.format("SOAK_SENT %d\n", total_sent))
  local e = summary.errors
  io.write(string.format("SOAK_SOCKET %d %d %d %d\n", e.connect, e.read, e.write, e.timeout))
end
