-- Asks a turn to stop with a code (cancelled). A running turn is flagged: its worker sees the flag
-- at its next step, stops the model and ends the turn. A turn still waiting in its session's queue
-- is ended here at once: it never ran, so it leaves nothing in history.
-- KEYS[1] turn record   KEYS[2] session turn queue   KEYS[3] session stops   KEYS[4] session events
-- ARGV[1] turn id   ARGV[2] code   ARGV[3] turn.failed event JSON   ARGV[4] now   ARGV[5] record TTL s
-- ARGV[6] events MAXLEN   ARGV[7] event field
-- Returns 'unknown' | 'finished' | 'stopping' (running: its worker ends it) | 'stopped' (ended here)
local status = redis.call('HGET', KEYS[1], 'status')
if status == 'completed' or status == 'failed' then
  return 'finished'
end
if status ~= 'accepted' and status ~= 'running' then
  return 'unknown'
end
if status == 'running' then
  redis.call('HSETNX', KEYS[3], ARGV[1], ARGV[2])
  redis.call('EXPIRE', KEYS[3], ARGV[5])
  return 'stopping'
end
redis.call('XADD', KEYS[4], 'MAXLEN', '~', ARGV[6], '*', ARGV[7], ARGV[3])
redis.call('HSET', KEYS[1], 'status', 'failed', 'code', ARGV[2], 'finishedAt', ARGV[4])
redis.call('EXPIRE', KEYS[1], ARGV[5])
redis.call('LREM', KEYS[2], 1, ARGV[1])
redis.call('HDEL', KEYS[3], ARGV[1])
return 'stopped'
