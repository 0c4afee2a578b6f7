-- Attaches or detaches one interface and, when the set of interfaces changed, appends the presence
-- event in the same step, so every client sees the sets in the order they really happened.
-- KEYS[1] session hash   KEYS[2] interfaces hash   KEYS[3] event stream   KEYS[4] sockets hash
-- ARGV[1] attach | detach   ARGV[2] interface type   ARGV[3] attachment JSON (attach) or, for a
--   detach, the JSON it must still have ('' = any: a client's own detach; otherwise a cleanup's
--   compare-and-delete, so an attachment refreshed meanwhile stays)
-- ARGV[4] now (ISO-8601)   ARGV[5] events MAXLEN   ARGV[6] event field
-- ARGV[7] presence event JSON whose interface list is the placeholder ARGV[8]
-- ARGV[9] WebSocket connection id ('' = none)   ARGV[10] its record {type, holder} (attach)
-- A socket's attach records it; its detach removes it and detaches the type only when no other
-- socket of that type is open, on any gateway replica (reference counting by open sockets).
-- Returns -1 no such session, -2 session ended (attach), 0 nothing changed, 1 changed.
if redis.call('EXISTS', KEYS[1]) == 0 then
  return -1
end
local changed = 0
if ARGV[1] == 'attach' then
  if redis.call('HGET', KEYS[1], 'active') == 'false' then
    return -2
  end
  local attachment = ARGV[3]
  local old = redis.call('HGET', KEYS[2], ARGV[2])
  if old then
    -- A re-attach refreshes context, holder and lastSeen but keeps when it first attached.
    local first = string.match(old, '"attachedAt":"([^"]*)"')
    local now = string.match(attachment, '"attachedAt":"([^"]*)"')
    if first and now then
      local s, e = string.find(attachment, '"attachedAt":"' .. now .. '"', 1, true)
      attachment = string.sub(attachment, 1, s - 1) .. '"attachedAt":"' .. first .. '"' .. string.sub(attachment, e + 1)
    end
  else
    changed = 1
  end
  redis.call('HSET', KEYS[2], ARGV[2], attachment)
  if ARGV[9] ~= '' then
    redis.call('HSET', KEYS[4], ARGV[9], ARGV[10])
  end
  redis.call('HSET', KEYS[1], 'lastActivity', ARGV[4])
else
  if ARGV[9] ~= '' then
    if redis.call('HDEL', KEYS[4], ARGV[9]) == 0 then
      return 0 -- closed before, or cleared by the cleanup pass
    end
    for _, record in ipairs(redis.call('HVALS', KEYS[4])) do
      if cjson.decode(record)['type'] == ARGV[2] then
        return 0 -- another socket of this interface is still open
      end
    end
  end
  local old = redis.call('HGET', KEYS[2], ARGV[2])
  if not old or (ARGV[3] ~= '' and old ~= ARGV[3]) then
    return 0
  end
  redis.call('HDEL', KEYS[2], ARGV[2])
  redis.call('HSET', KEYS[1], 'lastActivity', ARGV[4])
  changed = 1
end
if changed == 1 then
  local types = redis.call('HKEYS', KEYS[2])
  table.sort(types)
  local list = '['
  for i, t in ipairs(types) do
    if i > 1 then list = list .. ',' end
    list = list .. '"' .. t .. '"'
  end
  list = list .. ']'
  local s, e = string.find(ARGV[7], ARGV[8], 1, true)
  local event = string.sub(ARGV[7], 1, s - 1) .. list .. string.sub(ARGV[7], e + 1)
  redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[5], '*', ARGV[6], event)
end
return changed
