-- Consumes a link code and binds an identity to the code's user, all at once: a code works exactly
-- once even when two requests race with it.
-- KEYS[1] link code key   KEYS[2] identity key
-- ARGV[1] caller user id   ARGV[2] '1' when the caller is an admin   ARGV[3] the identity
-- ARGV[4] prefix and ARGV[5] suffix of a user's identity-set key (same hash tag as KEYS, so the
--   sets of the old and the new user, known only here, stay in this script's slot)
-- Returns {'invalid'} for an unknown or used code, {'forbidden'} when a non-admin tries to bind an
-- identity it does not hold (the code is kept), {'ok', userId} when linked.
local target = redis.call('GET', KEYS[1])
if not target then
  return {'invalid'}
end
local previous = redis.call('GET', KEYS[2])
if ARGV[2] ~= '1' and previous ~= ARGV[1] then
  return {'forbidden'}
end
redis.call('DEL', KEYS[1])
redis.call('SET', KEYS[2], target)
if previous and previous ~= target then
  redis.call('SREM', ARGV[4] .. previous .. ARGV[5], ARGV[3])
end
redis.call('SADD', ARGV[4] .. target .. ARGV[5], ARGV[3])
return {'ok', target}
