-- POST the form in BENCH_BODY (urlencoded); every {KEY} becomes a fresh submission key, so each
-- request is a new answer, not a duplicate. The report comes from report.lua.
dofile("bench/report.lua")

local threads = 0
function setup(thread)
  thread:set("id", threads)
  threads = threads + 1
end

local template = os.getenv("BENCH_BODY")
local counter = 0

request = function()
  counter = counter + 1
  -- Every thread's Lua starts from the same random seed and counts alike: the thread's id keeps
  -- two threads from sending the same key (which the app rightly takes as one submission sent twice).
  local key = string.format("%04x%08x%08x%012x", id or 0, math.random(0, 0x7fffffff), counter, os.time())
  local headers = {}
  for name, value in pairs(wrk.headers) do headers[name] = value end
  headers["Content-Type"] = "application/x-www-form-urlencoded"
  return wrk.format("POST", nil, headers, (template:gsub("{KEY}", key)))
end
