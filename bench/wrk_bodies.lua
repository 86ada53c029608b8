-- POSTs the bodies of a file (one per line) in turn, each wrk thread from its own place in the
-- list, then prints wrk_report.lua's JSON line.
--   wrk ... -s bench/wrk_bodies.lua URL -- BODIES_FILE CONTENT_TYPE USER_AGENT   (run from the checkout)
dofile("bench/wrk_report.lua")

local threads = 0

function setup(thread)
  thread:set("number", threads)
  threads = threads + 1
end

local bodies, next_body = {}, 1

function init(args)
  for line in io.lines(args[1]) do
    bodies[#bodies + 1] = line
  end
  next_body = (number * 7919) % #bodies + 1 -- threads start apart, so their sessions differ
  wrk.method = "POST"
  wrk.headers["Content-Type"] = args[2]
  wrk.headers["User-Agent"] = args[3]
end

function request()
  local body = bodies[next_body]
  next_body = next_body % #bodies + 1
  return wrk.format(nil, nil, nil, body)
end
