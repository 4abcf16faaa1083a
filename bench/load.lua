-- A mixed load for bench/load.py: wrk -s bench/load.lua URL -- ADVICE STATIC FEEDBACK ORIGIN
--
-- Each connection cycles through a mix of advice page, home, a new search, a static file and now
-- and then a feedback POST (from the page's own origin, as a browser labels it, and with a
-- client address of its own in X-Forwarded-For, as readers behind a load balancer have).
-- Every answer is tallied per second by what it is (its Content-Type) and its status, and
-- done() prints one line, LOAD-RESULT {json}, that bench/load.py reads.

local mix = {
  "advice", "home", "advice", "search", "static", "advice", "home", "advice", "static", "search",
  "advice", "home", "advice", "static", "advice", "home", "search", "advice", "static", "feedback",
}
local prepared = {}
local feedback = {}
local sent = 0
local threads = {}

counts = {} -- global, so that done() can read every thread's tally with thread:get

function setup(thread)
  table.insert(threads, thread)
  thread:set("thread_number", #threads)
end

function init(args)
  local advice, static = args[1], args[2]
  prepared.advice = wrk.format("GET", advice)
  prepared.home = wrk.format("GET", "/")
  prepared.static = wrk.format("GET", static)
  feedback.path = args[3]
  feedback.headers = {
    ["Origin"] = args[4],
    ["Sec-Fetch-Site"] = "same-origin",
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Accept"] = "application/json",
  }
  feedback.body = "useful=yes"
end

local function feedback_request()
  local n = sent
  feedback.headers["X-Forwarded-For"] =
    string.format("10.%d.%d.%d", thread_number % 256, math.floor(n / 256) % 256, n % 256)
  return wrk.format("POST", feedback.path, feedback.headers, feedback.body)
end

function request()
  sent = sent + 1
  local what = mix[sent % #mix + 1]
  if what == "feedback" then
    return feedback_request()
  end
  if what == "search" then
    -- A search no one has made before: a page number past the last (the last page) under a new cache key,
    -- so it always reaches the database and is stored, as a real new search is.
    return wrk.format("GET", string.format("/search/?q=credits&page=%d", thread_number * 1000000000 + sent))
  end
  return prepared[what]
end

local function kind(headers)
  local content_type = headers["Content-Type"] or ""
  if content_type:find("application/json", 1, true) then return "feedback" end
  if content_type:find("text/html", 1, true) then return "page" end
  if content_type:find("text/css", 1, true) then return "static" end
  return "other"
end

function response(status, headers, body)
  local what = kind(headers)
  if status >= 500 and not headers["Retry-After"] then
    what = what .. "-without-retry-after"
  end
  local key = os.time() .. " " .. what .. " " .. status
  counts[key] = (counts[key] or 0) + 1
end

local function json_object(tally)
  local parts = {}
  for key, value in pairs(tally) do
    table.insert(parts, string.format('"%s": %d', key, value))
  end
  return "{" .. table.concat(parts, ", ") .. "}"
end

function done(summary, latency, requests)
  local merged = {}
  for _, thread in ipairs(threads) do
    for key, value in pairs(thread:get("counts")) do
      merged[key] = (merged[key] or 0) + value
    end
  end
  local errors = summary.errors
  io.write(string.format(
    'LOAD-RESULT {"duration_us": %d, "requests": %d, "errors": {"connect": %d, "read": %d, "write": %d, ' ..
    '"timeout": %d}, "latency_us": {"p50": %d, "p90": %d, "p99": %d, "max": %d}, "counts": %s}\n',
    summary.duration, summary.requests, errors.connect, errors.read, errors.write, errors.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, json_object(merged)
  ))
end
