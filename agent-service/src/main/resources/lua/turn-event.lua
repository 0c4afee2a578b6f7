-- Appends events of a running turn (deltas, tool calls and results) for the lease holder only, and
-- tells it when the turn was asked to stop (interrupt or cancel). With no events it only checks.
-- KEYS[1] session lease   KEYS[2] session events   KEYS[3] session stops
-- ARGV[1] owner   ARGV[2] token   ARGV[3] turn id   ARGV[4] events MAXLEN   ARGV[5] event field
-- ARGV[6..] event JSONs
-- Returns {'ok', last id} | {'stop', code} (nothing written) | {'fenced', ''} (nothing written)
local lease = redis.call('HMGET', KEYS[1], 'owner', 'token')
if lease[1] ~= ARGV[1] or lease[2] ~= ARGV[2] then
  return {'fenced', ''}
end
local stop = redis.call('HGET', KEYS[3], ARGV[3])
if stop then
  return {'stop', stop}
end
local id = ''
for i = 6, #ARGV do
  id = redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[4], '*', ARGV[5], ARGV[i])
end
return {'ok', id}
