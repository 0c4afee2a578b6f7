-- The user an interface identity maps to; a first-seen identity gets a new user, atomically, so two
-- first messages from the same Discord account at once still make one user.
-- KEYS[1] identity key   KEYS[2] users hash   KEYS[3] the new user's identity set
-- ARGV[1] new user id   ARGV[2] the new user's record JSON   ARGV[3] the identity
-- Returns {userId, 1 if created now else 0}.
local existing = redis.call('GET', KEYS[1])
if existing then
  return {existing, 0}
end
redis.call('SET', KEYS[1], ARGV[1])
redis.call('HSETNX', KEYS[2], ARGV[1], ARGV[2])
redis.call('SADD', KEYS[3], ARGV[3])
return {ARGV[1], 1}
