-- Sets a string key only while it still holds the expected value.
-- KEYS[1] the key   ARGV[1] the expected value   ARGV[2] the new value.   Returns 1 when set.
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[2])
  return 1
end
return 0
