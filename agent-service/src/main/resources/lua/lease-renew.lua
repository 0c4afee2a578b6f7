-- Extends a session's lease if it is still ours.
-- KEYS[1] session lease   ARGV[1] owner   ARGV[2] token   ARGV[3] TTL ms
-- Returns 1 renewed | 0 lost (expired, or another worker holds it now)
local lease = redis.call('HMGET', KEYS[1], 'owner', 'token')
if lease[1] ~= ARGV[1] or lease[2] ~= ARGV[2] then
  return 0
end
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1
