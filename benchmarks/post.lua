-- wrk: POST {"issued_number", "national_id"} as JSON, a random pair from the sample file
-- (PAIRS, default var/bench/pairs.txt, written by benchmarks/generate.py) per request.
-- Counts the answers by status so the report can show that nothing was rate-limited (429)
-- or failed (5xx): 404 is the expected "no such visa / mismatch" answer (1 in 10 pairs).
local bodies = {}
for line in io.lines(os.getenv("PAIRS") or "var/bench/pairs.txt") do
  local issued, nid = line:match("(%d+) (%d+)")
  bodies[#bodies + 1] = '{"issued_number": "' .. issued .. '", "national_id": "' .. nid .. '"}'
end

local threads = {}
function setup(thread)
  threads[#threads + 1] = thread
  thread:set("tid", #threads)
end

function init(args)
  math.randomseed(2026 + 7919 * tid)  -- repeatable, different per thread
  counts = {}
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Accept-Language"] = "en"
end

function request()
  return wrk.format(nil, nil, nil, bodies[math.random(#bodies)])
end

function response(status, headers, body)
  counts[status] = (counts[status] or 0) + 1
end

function done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    local c = thread:get("counts")
    for status, n in pairs(c) do
      total[status] = (total[status] or 0) + n
    end
  end
  local parts = {}
  for status, n in pairs(total) do
    parts[#parts + 1] = status .. "=" .. n
  end
  table.sort(parts)
  io.write("Statuses: " .. table.concat(parts, " ") .. "\n")
  -- Exact percentiles in milliseconds, for the report.
  for _, p in ipairs({50, 90, 99, 99.9}) do
    io.write(string.format("Pct %s %.3f\n", p, latency:percentile(p) / 1000))
  end
  io.write(string.format("Max %.3f\n", latency.max / 1000))
end
