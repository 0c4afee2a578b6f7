-- Writes a turn's outcome exactly once and all at once: its messages on the history stream, its
-- final events on the event stream, its status, and the session's counters. A second call for the
-- same turn (a re-delivery racing a slow first run) changes nothing.
-- KEYS[1] turn record, KEYS[2] history stream, KEYS[3] event stream, KEYS[4] session hash
-- ARGV[1] status (completed | failed)     ARGV[2] finished at (ISO-8601)   ARGV[3] record TTL seconds
-- ARGV[4] history MAXLEN                   ARGV[5] events MAXLEN
-- ARGV[6] history field name               ARGV[7] event field name
-- ARGV[8] prompt tokens   ARGV[9] completion tokens   ARGV[10] tool calls
-- ARGV[11] n = number of messages, then n message JSONs, then the event JSONs
-- Returns 1 when written, 0 when the turn had already finished.
local status = redis.call('HGET', KEYS[1], 'status')
if status == 'completed' or status == 'failed' then
  return 0
end
local n = tonumber(ARGV[11])
for i = 1, n do
  redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[4], '*', ARGV[6], ARGV[11 + i])
end
for i = 12 + n, #ARGV do
  redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[5], '*', ARGV[7], ARGV[i])
end
redis.call('HSET', KEYS[1], 'status', ARGV[1], 'finishedAt', ARGV[2])
redis.call('EXPIRE', KEYS[1], ARGV[3])
-- Only a session that exists is counted: never create a half session from here.
if redis.call('EXISTS', KEYS[4]) == 1 then
  redis.call('HINCRBY', KEYS[4], 'turns', 1)
  redis.call('HINCRBY', KEYS[4], 'messageCount', n)
  redis.call('HINCRBY', KEYS[4], 'promptTokens', ARGV[8])
  redis.call('HINCRBY', KEYS[4], 'completionTokens', ARGV[9])
  redis.call('HINCRBY', KEYS[4], 'toolCalls', ARGV[10])
  redis.call('HSET', KEYS[4], 'lastActivity', ARGV[2])
end
return 1
