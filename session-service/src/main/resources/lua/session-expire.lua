-- Deletes an expired session, but only if nobody touched it since the cleanup pass looked
-- (compare-and-delete on lastActivity), so an expiry never races away a live conversation and two
-- replicas running the pass at once expire it exactly once.
-- KEYS[1] session hash   KEYS[2] interfaces hash   KEYS[3] event stream   KEYS[4] history stream
-- KEYS[5] sockets hash
-- ARGV[1] the lastActivity the pass saw
-- Returns -1 already gone, -2 touched meanwhile, else the session's message count (>= 0).
local last = redis.call('HGET', KEYS[1], 'lastActivity')
if not last then
  return -1
end
if last ~= ARGV[1] then
  return -2
end
local count = tonumber(redis.call('HGET', KEYS[1], 'messageCount') or '0')
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5])
return count
