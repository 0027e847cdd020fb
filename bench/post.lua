-- POST the form in BENCH_BODY (urlencoded); every {KEY} becomes a fresh submission key, so each
-- request is a new answer, not a duplicate. The report comes from report.lua.
dofile("bench/report.lua")
dofile("bench/forms.lua")

local template = os.getenv("BENCH_BODY")
local counter = 0

request = function()
  counter = counter + 1
  return form_post((template:gsub("{KEY}", submission_key(counter))))
end
