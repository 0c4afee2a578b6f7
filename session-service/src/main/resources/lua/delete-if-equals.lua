-- Deletes a string key only while it still holds the expected value (e.g. a user's active-session
-- pointer that a newer session may have replaced meanwhile).
-- KEYS[1] the key   ARGV[1] the expected value.   Returns 1 when deleted.
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
