-- POST a rating per request, each with a showing token of its own (bench/run.py issues them, one
-- per line of BENCH_TOKENS as "question_id token"): a token is single-use, so a replayed one would
-- measure the refusal. {QID}, {TOKEN} and {KEY} in BENCH_BODY are filled in. Threads take turns
-- through the list, so no token is sent twice. The report comes from report.lua.
dofile("bench/report.lua")
dofile("bench/forms.lua")

local template = os.getenv("BENCH_BODY")
local tokens = {}
for line in io.lines(os.getenv("BENCH_TOKENS")) do tokens[#tokens + 1] = line end
local counter = 0

request = function()
  local line = tokens[counter * 2 + (id or 0) + 1] or tokens[#tokens]
  counter = counter + 1
  local qid, token = line:match("(%d+) (%S+)")
  return form_post((template:gsub("{KEY}", submission_key(counter)):gsub("{QID}", qid):gsub("{TOKEN}", token)))
end
