-- The per-channel step: appends one event to a channel, atomically.
-- KEYS[1] the channel's state (hash: epoch, seq, ts, tf)   KEYS[2] its recovery log (stream)
-- KEYS[3] (optional) the send entry of (channel, sender, client_id)
-- ARGV[1] an epoch to start with if the channel has no state   ARGV[2] the event's draft (JSON)
-- ARGV[3] the channel's Pub/Sub topic   ARGV[4] recovery log length   ARGV[5] recovery window (ms)
-- ARGV[6] send entry TTL (ms)   ARGV[7] the TIMEUUID lower half of the writer (hex)
-- ARGV[8] PUBLISH, or SPUBLISH when channel topics are shard channels (the topic carries the
--         channel's hash tag, so in a cluster it belongs to this node's slot like KEYS)
-- Returns {'new', header} or, for a send seen before, {'existing', header, envelope-or-nil}.
-- header = "<epoch> <seq> <seconds> <fraction> <node>"; envelope = header .. " " .. draft.
-- Times are kept as (seconds, 100 ns units) because Lua numbers are doubles (exact to 2^53).
if #KEYS == 3 then
  local header = redis.call('GET', KEYS[3])
  if header then
    local seq = string.match(header, '^%S+ (%d+) ')
    local found = redis.call('XRANGE', KEYS[2], seq .. '-0', seq .. '-0')
    local envelope = false
    if found[1] then
      local fields = found[1][2]
      for i = 1, #fields, 2 do
        if fields[i] == 'e' and string.sub(fields[i + 1], 1, #header + 1) == header .. ' ' then
          envelope = fields[i + 1]
        end
      end
    end
    return {'existing', header, envelope}
  end
end
local state = redis.call('HMGET', KEYS[1], 'epoch', 'seq', 'ts', 'tf')
local epoch, seq, ts, tf
if state[1] then
  epoch, seq, ts, tf = state[1], tonumber(state[2]) + 1, tonumber(state[3]), tonumber(state[4])
else
  -- a new sequence (first event, or the state was lost): older log entries belong to another epoch
  epoch, seq, ts, tf = ARGV[1], 1, 0, 0
  redis.call('DEL', KEYS[2])
end
local now = redis.call('TIME')
local nowS, nowF = tonumber(now[1]), tonumber(now[2]) * 10
if nowS > ts or (nowS == ts and nowF > tf) then
  ts, tf = nowS, nowF
else
  -- the clock has not moved past the last event (same tick, or stepped back): one unit later
  tf = tf + 1
  if tf >= 10000000 then
    ts, tf = ts + 1, 0
  end
end
redis.call('HSET', KEYS[1], 'epoch', epoch, 'seq', seq, 'ts', ts, 'tf', tf)
local header = epoch .. ' ' .. seq .. ' ' .. ts .. ' ' .. tf .. ' ' .. ARGV[7]
local envelope = header .. ' ' .. ARGV[2]
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[4], seq .. '-0', 't', nowS, 'e', envelope)
redis.call('PEXPIRE', KEYS[2], ARGV[5])
redis.call(ARGV[8], ARGV[3], envelope)
if #KEYS == 3 then
  redis.call('SET', KEYS[3], header, 'PX', ARGV[6])
end
return {'new', header}
