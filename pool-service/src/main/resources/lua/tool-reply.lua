-- Answers a tool call exactly once: the first answer is appended to the caller's reply stream, any
-- later one (a re-delivered call racing a slow first run) changes nothing.
-- KEYS[1] the call's done marker, KEYS[2] the caller's reply stream (same hash tag)
-- ARGV[1] TTL ms of both   ARGV[2] reply stream MAXLEN   ARGV[3] field name   ARGV[4] result JSON
-- Returns 1 when written, 0 when the call had already been answered.
if not redis.call('SET', KEYS[1], '1', 'NX', 'PX', ARGV[1]) then
  return 0
end
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[2], '*', ARGV[3], ARGV[4])
redis.call('PEXPIRE', KEYS[2], ARGV[1])
return 1
