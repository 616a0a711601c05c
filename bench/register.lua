-- wrk script for bench/load.py: signed-in members register for a session, and cancel
-- the next time round. LOAD_MEMBERS names a file of `cookie|csrf token|path` lines
-- (bench/load.py writes it); each wrk thread takes every other member, so no two
-- threads act for the same person.
local threads = 0

function setup(thread)
  thread:set("tid", threads)
  threads = threads + 1
end

local members = {}
local registered = {}
local turn = 0

function init(args)
  local n = 0
  for line in io.lines(os.getenv("LOAD_MEMBERS")) do
    if n % 2 == tid then
      local cookie, token, path = line:match("^([^|]+)|([^|]+)|([^|]+)$")
      members[#members + 1] = {cookie = cookie, token = token, path = path}
    end
    n = n + 1
  end
end

function request()
  turn = turn % #members + 1
  local member = members[turn]
  local action = registered[turn] and "cancel" or "register"
  registered[turn] = not registered[turn]
  return wrk.format("POST", member.path, {
    ["Cookie"] = member.cookie,
    ["X-CSRFToken"] = member.token,
    ["Content-Type"] = "application/x-www-form-urlencoded",
  }, "action=" .. action)
end
