-- One request against a user's budget, by GCRA (the generic cell rate algorithm): the key holds the
-- theoretical arrival time (TAT) of the next request; a request is allowed when it arrives no more
-- than `burst` emission intervals before its TAT. One key, one round trip, exact under any number
-- of gateway replicas (the clock is Redis's own, so replicas' clocks need not agree).
-- KEYS[1] the budget's state
-- ARGV[1] emission interval in ms (period / limit)   ARGV[2] burst: requests allowed at once
-- Returns {allowed 1|0, remaining, retry after (ms), reset (ms until the budget is full again)}
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local interval = tonumber(ARGV[1])
local tolerance = interval * tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or now)
if tat < now then
  tat = now
end
local next_tat = tat + interval
local allow_at = next_tat - tolerance
if allow_at > now then
  return {0, 0, math.ceil(allow_at - now), math.ceil(tat - now)}
end
redis.call('SET', KEYS[1], string.format('%.3f', next_tat), 'PX', math.ceil(next_tat - now))
return {1, math.floor((now - allow_at) / interval), 0, math.ceil(next_tat - now)}
