-- wrk: POST {"issued_number", "national_id"} pairs, picked at random from var/bench/pairs.txt.
local pairs = {}
for line in io.lines(os.getenv("PAIRS") or "var/bench/pairs.txt") do
  local issued, nid = line:match("(%d+) (%d+)")
  pairs[#pairs + 1] = '{"issued_number": "' .. issued .. '", "national_id": "' .. nid .. '"}'
end
math.randomseed(2026)
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept-Language"] = "en"
request = function()
  return wrk.format(nil, nil, nil, pairs[math.random(#pairs)])
end
