-- POST the form in BENCH_BODY (urlencoded); every {KEY} becomes a fresh submission key, so each
-- request is a new answer, not a duplicate. The report comes from report.lua.
dofile("bench/report.lua")

local template = os.getenv("BENCH_BODY")
local counter = 0

request = function()
  counter = counter + 1
  local key = string.format("%08x%08x%016x", math.random(0, 0x7fffffff), counter, os.time())
  local headers = {}
  for name, value in pairs(wrk.headers) do headers[name] = value end
  headers["Content-Type"] = "application/x-www-form-urlencoded"
  return wrk.format("POST", nil, headers, (template:gsub("{KEY}", key)))
end
