-- wrk: replay the requests of one scenario, written by benchmarks/load.py to the file
-- named in REQUESTS, one request a line, four fields separated by tabs:
--
--   METHOD <tab> PATH <tab> Header: value|Header: value <tab> BODY
--
-- In BODY the four characters \r\n stand for a CRLF (multipart bodies), and {{n}} becomes
-- a number unique to this request in the run (RUN, the thread and a counter): the write
-- scenarios put it in what they send, so every request creates a different row.
-- Each thread starts at its own (random, repeatable) place in the list and goes round it.
-- Counts the answers by status, so the report can tell a refused or failed request
-- (403, 429, 5xx, or a form shown again with 200 where a redirect was expected) from
-- the expected answer, and prints exact percentiles.
local records = {}
for line in io.lines(os.getenv("REQUESTS")) do
  local method, path, header_text, body = line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)\t(.*)$")
  if method then
    local headers = {}
    for name, value in header_text:gmatch("([^|:]+):%s*([^|]*)") do
      headers[name] = value
    end
    body = body:gsub("\\r\\n", "\r\n")
    records[#records + 1] = {
      method = method,
      path = path,
      headers = headers,
      body = body ~= "" and body or nil,
      numbered = body:find("{{n}}", 1, true) ~= nil,
    }
  end
end
local run = os.getenv("RUN") or "0"

local threads = {}
function setup(thread)
  threads[#threads + 1] = thread
  thread:set("tid", #threads)
end

function init(args)
  counts = {}
  counter = 0
  math.randomseed(2026 + 7919 * tid)  -- repeatable, different per thread
  position = math.random(#records)
end

function request()
  counter = counter + 1
  position = position % #records + 1
  local r = records[position]
  local body = r.body
  if r.numbered then
    body = body:gsub("{{n}}", run .. "x" .. tid .. "x" .. counter)
  end
  return wrk.format(r.method, r.path, r.headers, body)
end

function response(status, headers, body)
  counts[status] = (counts[status] or 0) + 1
end

function done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    for status, n in pairs(thread:get("counts")) do
      total[status] = (total[status] or 0) + n
    end
  end
  local parts = {}
  for status, n in pairs(total) do
    parts[#parts + 1] = status .. "=" .. n
  end
  table.sort(parts)
  io.write("Statuses: " .. table.concat(parts, " ") .. "\n")
  for _, p in ipairs({50, 90, 95, 99, 99.9}) do
    io.write(string.format("Pct %s %.3f\n", p, latency:percentile(p) / 1000))
  end
  io.write(string.format("Max %.3f\n", latency.max / 1000))
end
