-- Starts the turn at the head of its session's queue, for the lease holder: counts the attempt,
-- marks it running and writes turn.started (attempt 2 or more says that the turn runs again from
-- the start because the replica that ran it stopped). A turn asked to stop before it began is ended
-- here without running; one that had begun when its replica died is handed back with its stop code.
-- KEYS[1] session lease   KEYS[2] session turn queue   KEYS[3] turn record   KEYS[4] session events
-- KEYS[5] session stops
-- ARGV[1] owner   ARGV[2] token   ARGV[3] turn id   ARGV[4] now   ARGV[5] record TTL s
-- ARGV[6] events MAXLEN   ARGV[7] event field   ARGV[8] session id   ARGV[9] re-run reason
-- ARGV[10] text of interrupted   ARGV[11] text of cancelled
-- Returns {'fenced'} | {'moved'} not the head any more | {'skip'} finished or unknown, dropped from the queue
--       | {'ended', code} ended here | {'stop', code, request} ran before, now to end with code
--       | {'run', attempt, request}
local lease = redis.call('HMGET', KEYS[1], 'owner', 'token')
if lease[1] ~= ARGV[1] or lease[2] ~= ARGV[2] then
  return {'fenced'}
end
if redis.call('LINDEX', KEYS[2], 0) ~= ARGV[3] then
  return {'moved'}
end
local record = redis.call('HMGET', KEYS[3], 'status', 'request')
local status, request = record[1], record[2]
if status == 'completed' or status == 'failed' or not request then
  redis.call('LREM', KEYS[2], 1, ARGV[3])
  redis.call('HDEL', KEYS[5], ARGV[3])
  return {'skip'}
end
local stop = redis.call('HGET', KEYS[5], ARGV[3])
if stop then
  if status == 'running' then
    return {'stop', stop, request}
  end
  local text = ARGV[11]
  if stop == 'interrupted' then
    text = ARGV[10]
  end
  local failed = cjson.encode({type = 'turn.failed', sessionId = ARGV[8], turnId = ARGV[3], at = ARGV[4],
    data = {code = stop, message = text}})
  redis.call('XADD', KEYS[4], 'MAXLEN', '~', ARGV[6], '*', ARGV[7], failed)
  redis.call('HSET', KEYS[3], 'status', 'failed', 'code', stop, 'finishedAt', ARGV[4])
  redis.call('EXPIRE', KEYS[3], ARGV[5])
  redis.call('LREM', KEYS[2], 1, ARGV[3])
  redis.call('HDEL', KEYS[5], ARGV[3])
  return {'ended', stop}
end
local attempt = redis.call('HINCRBY', KEYS[3], 'attempts', 1)
redis.call('HSET', KEYS[3], 'status', 'running', 'startedAt', ARGV[4], 'runner', ARGV[1])
redis.call('EXPIRE', KEYS[3], ARGV[5])
local data = {attempt = attempt}
if attempt > 1 then
  data.rerun = true
  data.reason = ARGV[9]
end
local started = cjson.encode({type = 'turn.started', sessionId = ARGV[8], turnId = ARGV[3], at = ARGV[4], data = data})
redis.call('XADD', KEYS[4], 'MAXLEN', '~', ARGV[6], '*', ARGV[7], started)
return {'run', tostring(attempt), request}
