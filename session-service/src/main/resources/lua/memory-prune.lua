-- Removes from a section index the keys whose entry has expired. Each entry is checked in the same
-- atomic step as its removal, so an entry written again meanwhile keeps its place in the index.
-- KEYS[1] the section index
-- ARGV[1] the prefix of its entry keys (same hash tag, so the same cluster slot), ARGV[2..] the keys
-- Returns how many keys were removed.
local removed = 0
for i = 2, #ARGV do
  if redis.call('EXISTS', ARGV[1] .. ARGV[i]) == 0 then
    removed = removed + redis.call('SREM', KEYS[1], ARGV[i])
  end
end
return removed
