-- Deletes one memory entry and its index member together, so a write racing with the delete
-- never leaves a live entry missing from its section's list.
-- KEYS[1] the entry, KEYS[2] the section index; ARGV[1] the entry's key
-- Returns 1 when the entry existed.
local existed = redis.call('DEL', KEYS[1])
redis.call('SREM', KEYS[2], ARGV[1])
return existed
