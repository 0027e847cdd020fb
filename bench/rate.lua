-- POST a rating per request, each with a showing token of its own (bench/run.py issues them, one
-- per line of BENCH_TOKENS as "question_id token"): a token is single-use, so a replayed one would
-- measure the refusal. {QID}, {TOKEN} and {KEY} in BENCH_BODY are filled in. Threads take turns
-- through the list, so no token is sent twice. The report comes from report.lua.
dofile("bench/report.lua")

local threads = 0
function setup(thread)
  thread:set("id", threads)
  threads = threads + 1
end

local template = os.getenv("BENCH_BODY")
local tokens = {}
for line in io.lines(os.getenv("BENCH_TOKENS")) do tokens[#tokens + 1] = line end
local counter = 0

request = function()
  local line = tokens[counter * 2 + (id or 0) + 1] or tokens[#tokens]
  counter = counter + 1
  local qid, token = line:match("(%d+) (%S+)")
  -- The thread's id in the key: every thread's Lua starts from the same seed (see post.lua).
  local key = string.format("%04x%08x%08x%012x", id or 0, math.random(0, 0x7fffffff), counter, os.time())
  local headers = {}
  for name, value in pairs(wrk.headers) do headers[name] = value end
  headers["Content-Type"] = "application/x-www-form-urlencoded"
  local body = template:gsub("{KEY}", key):gsub("{QID}", qid):gsub("{TOKEN}", token)
  return wrk.format("POST", nil, headers, body)
end
