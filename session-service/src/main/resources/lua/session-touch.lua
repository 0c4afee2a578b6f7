-- Records activity on a session: its lastActivity and, if that interface is attached, its lastSeen.
-- KEYS[1] session hash   KEYS[2] interfaces hash   ARGV[1] now (ISO-8601)   ARGV[2] interface type
-- Returns -1 when the session does not exist (nothing is created), else 1.
if redis.call('EXISTS', KEYS[1]) == 0 then
  return -1
end
redis.call('HSET', KEYS[1], 'lastActivity', ARGV[1])
local attachment = redis.call('HGET', KEYS[2], ARGV[2])
if attachment then
  local seen = string.match(attachment, '"lastSeen":"([^"]*)"')
  if seen then
    local s, e = string.find(attachment, '"lastSeen":"' .. seen .. '"', 1, true)
    attachment = string.sub(attachment, 1, s - 1) .. '"lastSeen":"' .. ARGV[1] .. '"' .. string.sub(attachment, e + 1)
    redis.call('HSET', KEYS[2], ARGV[2], attachment)
  end
end
return 1
