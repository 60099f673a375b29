-- wrk script for tools.perf: random paths, a share of them signed in, JSON summary at the end.
local paths, sessions = {}, {}
local share = tonumber(os.getenv("WRK_SIGNED_IN_SHARE") or "0")

local function lines(text)
  local out = {}
  for line in string.gmatch(text or "", "[^\n]+") do out[#out + 1] = line end
  return out
end

function setup(thread)
  thread:set("seed", math.random(1, 1000000))
end

function init(args)
  paths = lines(os.getenv("WRK_PATHS"))
  sessions = lines(os.getenv("WRK_SESSIONS"))
  math.randomseed(seed or os.time())
end

function request()
  local path = paths[math.random(#paths)]
  local headers = {}
  if #sessions > 0 and math.random() < share then
    -- A browser that has seen one page also sends its CSRF cookie; the session key (32 letters and digits)
    -- makes a valid, per-member CSRF secret.
    local session = sessions[math.random(#sessions)]
    headers["Cookie"] = "sessionid=" .. session .. "; csrftoken=" .. string.sub(session, 1, 32)
  end
  return wrk.format("GET", path, headers)
end

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    '{"requests": %d, "requests_per_sec": %.2f, "p50_ms": %.2f, "p99_ms": %.2f, "non_2xx_3xx": %d, "socket_errors": %d}\n',
    summary.requests, summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, errors.status, errors.connect + errors.read + errors.write + errors.timeout))
end
