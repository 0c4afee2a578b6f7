-- Stores one memory entry and indexes it in its section, unless that would make the section hold
-- more keys than allowed (a key already in the section may always be overwritten).
-- KEYS[1] the entry, KEYS[2] the section index
-- ARGV[1] the entry as JSON, ARGV[2] its TTL in ms (0: none), ARGV[3] the entry's key, ARGV[4] max keys
-- Returns 1 when stored, 0 when the section is full (its index may still count expired entries).
if redis.call('SISMEMBER', KEYS[2], ARGV[3]) == 0 and redis.call('SCARD', KEYS[2]) >= tonumber(ARGV[4]) then
  return 0
end
if tonumber(ARGV[2]) > 0 then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
else
  redis.call('SET', KEYS[1], ARGV[1])
end
redis.call('SADD', KEYS[2], ARGV[3])
return 1
