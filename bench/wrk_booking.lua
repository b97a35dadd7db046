-- wrk script for bench/http.py: every request books a different half-hour slot.
--
-- Arguments (after `--`): path service schedule first_epoch slots_per_day step_seconds
--                         first_index credentials_file user_agent thread_count
-- Slot k starts at first_epoch + (k // slots_per_day) days + (k % slots_per_day) * step.
-- Thread t of n takes k = first_index + t, first_index + t + n, ... so no two requests,
-- in this run or (with a later first_index) the next, ask for the same slot.
-- Each line of credentials_file is "<Cookie header>\t<CSRF token>" of one signed-in
-- customer; requests take them in turn.

local threads = {}
local next_id = 0

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

function init(args)
  path, service, schedule = args[1], args[2], args[3]
  first_epoch = tonumber(args[4])
  slots_per_day = tonumber(args[5])
  step = tonumber(args[6])
  first_index = tonumber(args[7])
  user_agent = args[9]
  customers = {}
  for line in io.lines(args[8]) do
    local cookie, token = line:match("^(.-)\t(.*)$")
    table.insert(customers, { cookie = cookie, token = token })
  end
  thread_count = tonumber(args[10])
  sent = 0
  refused = 0
  sample = ""
end

function request()
  local k = first_index + sent * thread_count + id
  sent = sent + 1
  local day = math.floor(k / slots_per_day)
  local start = first_epoch + day * 86400 + (k % slots_per_day) * step
  local who = customers[(sent + id) % #customers + 1]
  local body = string.format(
    '{"service":"%s","schedule":"%s","start":"%s"}',
    service, schedule, os.date("!%Y-%m-%dT%H:%M:%SZ", start)
  )
  return wrk.format("POST", path, {
    ["Content-Type"] = "application/json",
    ["Cookie"] = who.cookie,
    ["X-CSRFToken"] = who.token,
    ["User-Agent"] = user_agent,
  }, body)
end

function response(status, headers, body)
  if status ~= 201 then
    refused = refused + 1
    if sample == "" then sample = status .. " " .. body end
  end
end

function done(summary, latency, requests)
  local most, refusals = 0, 0
  for _, thread in ipairs(threads) do
    most = math.max(most, thread:get("sent"))
    refusals = refusals + thread:get("refused")
    local first_refusal = thread:get("sample")
    if first_refusal ~= "" then
      io.write("BOOKING_REFUSAL_SAMPLE ", first_refusal:sub(1, 300), "\n")
    end
  end
  io.write(string.format("BOOKING_SENT_PER_THREAD %d\nBOOKING_REFUSED %d\n", most, refusals))
end
