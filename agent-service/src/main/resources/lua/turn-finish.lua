-- Writes a turn's outcome exactly once and all at once, for the lease holder only: its messages on
-- the history stream, its final events, its status and usage, the session's counters, and its
-- removal from the session's queue. A second call for the same turn (a re-delivery racing a slow
-- first run) and a call from a worker that lost the lease change nothing.
-- KEYS[1] session lease   KEYS[2] turn record   KEYS[3] history stream   KEYS[4] event stream
-- KEYS[5] session hash   KEYS[6] session turn queue   KEYS[7] session stops
-- ARGV[1] owner   ARGV[2] token   ARGV[3] turn id   ARGV[4] status (completed | failed)   ARGV[5] code or ''
-- ARGV[6] finished at (ISO-8601)   ARGV[7] record TTL s   ARGV[8] history MAXLEN   ARGV[9] events MAXLEN
-- ARGV[10] history field   ARGV[11] event field
-- ARGV[12] prompt tokens   ARGV[13] completion tokens   ARGV[14] tool calls
-- ARGV[15] n = number of messages, then n message JSONs, then the event JSONs
-- Returns 1 written | 0 the turn had already finished | -1 the lease is not ours
local lease = redis.call('HMGET', KEYS[1], 'owner', 'token')
if lease[1] ~= ARGV[1] or lease[2] ~= ARGV[2] then
  return -1
end
local status = redis.call('HGET', KEYS[2], 'status')
if status == 'completed' or status == 'failed' then
  redis.call('LREM', KEYS[6], 1, ARGV[3])
  return 0
end
local n = tonumber(ARGV[15])
for i = 1, n do
  redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[8], '*', ARGV[10], ARGV[15 + i])
end
for i = 16 + n, #ARGV do
  redis.call('XADD', KEYS[4], 'MAXLEN', '~', ARGV[9], '*', ARGV[11], ARGV[i])
end
redis.call('HSET', KEYS[2], 'status', ARGV[4], 'finishedAt', ARGV[6], 'promptTokens', ARGV[12],
  'completionTokens', ARGV[13], 'toolCalls', ARGV[14])
if ARGV[5] ~= '' then
  redis.call('HSET', KEYS[2], 'code', ARGV[5])
end
redis.call('EXPIRE', KEYS[2], ARGV[7])
redis.call('LREM', KEYS[6], 1, ARGV[3])
redis.call('HDEL', KEYS[7], ARGV[3])
-- Only a session that exists is counted: never create a half session from here.
if redis.call('EXISTS', KEYS[5]) == 1 then
  redis.call('HINCRBY', KEYS[5], 'turns', 1)
  redis.call('HINCRBY', KEYS[5], 'messageCount', n)
  redis.call('HINCRBY', KEYS[5], 'promptTokens', ARGV[12])
  redis.call('HINCRBY', KEYS[5], 'completionTokens', ARGV[13])
  redis.call('HINCRBY', KEYS[5], 'toolCalls', ARGV[14])
  redis.call('HSET', KEYS[5], 'lastActivity', ARGV[6])
end
return 1
