-- Marks a turn as running and counts the attempt, unless the turn already finished
-- (a re-delivered turn that completed is never run again).
-- KEYS[1] the turn record
-- ARGV[1] now (ISO-8601), ARGV[2] record TTL in seconds
-- Returns the attempt number, or -1 when the turn is finished.
local status = redis.call('HGET', KEYS[1], 'status')
if status == 'completed' or status == 'failed' then
  return -1
end
local attempt = redis.call('HINCRBY', KEYS[1], 'attempts', 1)
redis.call('HSET', KEYS[1], 'status', 'running', 'startedAt', ARGV[1])
redis.call('EXPIRE', KEYS[1], ARGV[2])
return attempt
