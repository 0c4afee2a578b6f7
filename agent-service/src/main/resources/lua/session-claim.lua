-- Takes a session's lease for one agent worker, when the session has turns to run and nobody runs
-- them. The holder runs the session's turns one at a time, in order, until none is left.
-- KEYS[1] session lease   KEYS[2] session fence counter   KEYS[3] session turn queue
-- ARGV[1] owner (replica/entry)   ARGV[2] lease TTL ms   ARGV[3] fence TTL s
-- Returns {0, ''} nothing waits | {1, owner} another worker holds the lease | {2, token} the lease is ours
if redis.call('LLEN', KEYS[3]) == 0 then
  return {0, ''}
end
local owner = redis.call('HGET', KEYS[1], 'owner')
if owner then
  return {1, owner}
end
-- The token only ever grows, so a worker that stalled past its lease can be told apart from the new holder.
local token = redis.call('INCR', KEYS[2])
redis.call('EXPIRE', KEYS[2], ARGV[3])
redis.call('HSET', KEYS[1], 'owner', ARGV[1], 'token', token)
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return {2, tostring(token)}
