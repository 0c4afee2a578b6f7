-- Ends a session once: it stops being active, its interfaces are let go and session.ended goes to
-- every client. History and events stay readable until the session expires.
-- KEYS[1] session hash   KEYS[2] interfaces hash   KEYS[3] event stream   KEYS[4] sockets hash
-- ARGV[1] now (ISO-8601)   ARGV[2] events MAXLEN   ARGV[3] event field   ARGV[4] session.ended JSON
-- Returns -1 no such session, 0 already ended, 1 ended now.
if redis.call('EXISTS', KEYS[1]) == 0 then
  return -1
end
if redis.call('HGET', KEYS[1], 'active') == 'false' then
  return 0
end
redis.call('HSET', KEYS[1], 'active', 'false', 'endedAt', ARGV[1], 'lastActivity', ARGV[1])
redis.call('DEL', KEYS[2], KEYS[4])
redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[2], '*', ARGV[3], ARGV[4])
return 1
