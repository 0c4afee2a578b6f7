-- Accepts a turn exactly once, whoever comes first: the gateway right after it queued the turn, or
-- an agent that read the turn from the stream before that (also when the gateway died in between,
-- so a queued turn is never lost and never shown twice). The decision is kept in the turn record:
-- every later call for the same turn returns the same answer and writes nothing.
-- KEYS[1] turn record   KEYS[2] session events   KEYS[3] session turn queue   KEYS[4] session hash
-- KEYS[5] idempotency key (the record key again when the client sent none)   KEYS[6] session stops
-- ARGV[1] turn id   ARGV[2] message id   ARGV[3] turn.accepted event JSON   ARGV[4] turn request JSON
-- ARGV[5] user message JSON   ARGV[6] now   ARGV[7] record TTL s   ARGV[8] events MAXLEN
-- ARGV[9] event field   ARGV[10] idempotency TTL s (0: no key)   ARGV[11] default policy
-- Returns {'accepted', acceptedEventId} | {'duplicate', earlier turn id} | {'rejected', running turn id}
--       | {'gone', ''} (the session no longer exists)
local status = redis.call('HGET', KEYS[1], 'status')
if status == 'rejected' then
  return {'rejected', redis.call('HGET', KEYS[1], 'blocker') or ''}
elseif status == 'duplicate' then
  return {'duplicate', redis.call('HGET', KEYS[1], 'duplicateOf') or ''}
elseif status == 'gone' then
  return {'gone', ''}
elseif status then
  return {'accepted', redis.call('HGET', KEYS[1], 'acceptedEventId') or ''}
end

local function decide(outcome, field, value)
  redis.call('HSET', KEYS[1], 'status', outcome, field, value)
  redis.call('EXPIRE', KEYS[1], ARGV[7])
  return {outcome, value}
end

local withKey = tonumber(ARGV[10]) > 0
if withKey then
  local earlier = redis.call('GET', KEYS[5])
  if earlier and earlier ~= ARGV[1] then
    return decide('duplicate', 'duplicateOf', earlier)
  end
end
if redis.call('EXISTS', KEYS[4]) == 0 then
  return decide('gone', 'reason', 'no session')
end
local policy = redis.call('HGET', KEYS[4], 'turnPolicy')
if not policy or policy == '' then
  policy = ARGV[11]
end
local unfinished = redis.call('LRANGE', KEYS[3], 0, -1)
if policy == 'reject' and #unfinished > 0 then
  return decide('rejected', 'blocker', unfinished[1])
end
if policy == 'interrupt' and #unfinished > 0 then
  -- Every earlier turn stops: the running one at its next step, waiting ones when reached.
  -- HSETNX keeps the code of a turn that is already being cancelled.
  for _, turn in ipairs(unfinished) do
    redis.call('HSETNX', KEYS[6], turn, 'interrupted')
  end
  redis.call('EXPIRE', KEYS[6], ARGV[7])
end
local id = redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[8], '*', ARGV[9], ARGV[3])
redis.call('HSET', KEYS[1], 'status', 'accepted', 'messageId', ARGV[2], 'acceptedEventId', id,
  'acceptedAt', ARGV[6], 'request', ARGV[4], 'userMessage', ARGV[5])
redis.call('EXPIRE', KEYS[1], ARGV[7])
redis.call('RPUSH', KEYS[3], ARGV[1])
if withKey then
  redis.call('SET', KEYS[5], ARGV[1], 'EX', ARGV[10])
end
return {'accepted', id}
