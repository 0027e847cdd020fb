-- What bench/post.lua and bench/rate.lua share: a fresh submission key for every request (so each is
-- a new submission, not a replay) and the form POST itself. Every wrk thread's Lua starts from the
-- same random seed and counts alike, so the thread's id (set in setup) keeps two threads from sending
-- one key, which the app rightly takes as one submission sent twice.
local threads = 0
function setup(thread)
  thread:set("id", threads)
  threads = threads + 1
end

function submission_key(counter)
  return string.format("%04x%08x%08x%012x", id or 0, math.random(0, 0x7fffffff), counter, os.time())
end

function form_post(body)
  local headers = {}
  for name, value in pairs(wrk.headers) do headers[name] = value end
  headers["Content-Type"] = "application/x-www-form-urlencoded"
  return wrk.format("POST", nil, headers, body)
end
