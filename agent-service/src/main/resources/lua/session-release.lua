-- Gives a session's lease back, but only when no turn waits: checking and releasing in one step
-- means a turn queued just now is never left without a worker.
-- KEYS[1] session lease   KEYS[2] session turn queue
-- ARGV[1] owner   ARGV[2] token
-- Returns 1 released | 0 turns wait: keep running them | -1 the lease is not ours any more
local lease = redis.call('HMGET', KEYS[1], 'owner', 'token')
if lease[1] ~= ARGV[1] or lease[2] ~= ARGV[2] then
  return -1
end
if redis.call('LLEN', KEYS[2]) > 0 then
  return 0
end
redis.call('DEL', KEYS[1])
return 1
