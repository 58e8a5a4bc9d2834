-- The per-channel step: appends one event to a channel, atomically, and decides the changes of
-- a message (edit, delete, reaction) on the message's state, so a change is checked in the same
-- order as it is sequenced.
-- KEYS[1] the channel's state (hash: epoch, seq, ts, tf)   KEYS[2] its recovery log (stream)
-- KEYS[3] a send: the send entry of (channel, sender, client_id); a change: the message's state
--         (hash: s sender, n id's lower half, f its file's id, d deleted, "r:<emoji>:<user>" a
--         reaction, "c:<emoji>" how many users reacted with it)
-- ARGV[1] an epoch to start with if the channel has no state   ARGV[2] the event's draft (JSON)
-- ARGV[3] the channel's Pub/Sub topic   ARGV[4] recovery log length   ARGV[5] recovery window (ms)
-- ARGV[6] send entry TTL (ms)   ARGV[7] the TIMEUUID lower half of the writer (hex)
-- ARGV[8] PUBLISH, or SPUBLISH when channel topics are shard channels (the topic carries the
--         channel's hash tag, so in a cluster it belongs to this node's slot like KEYS)
-- ARGV[9] 'send', or the change: 'edit', 'delete', 'react', 'unreact'
-- ARGV[10] the sender, or the change's author   ARGV[11] message state TTL (ms)
-- A send also has: ARGV[12] the state key of the message it replies to   ARGV[13] that message's
--   id's lower half (hex)   ARGV[14] its message_id (all three '' when it is no reply). When that
--   message is a reply itself, the send joins the same thread: its draft's reply_to becomes that
--   thread's root.   ARGV[15] mention counts' TTL (ms)   ARGV[16] the id of the file it carries
--   ('' for none)   ARGV[17...] the users it mentions: each one's mentions in the channel (a
--   sorted set by message time, ms) gets this message.
-- A change also has: ARGV[12] the message_id's lower half (hex)   ARGV[13] '1' if the author may
--   delete others' messages   ARGV[14] the emoji   ARGV[15] most different emoji on a message
--   ARGV[16...] the message's state as (field, value) pairs, read from Cassandra by the caller
--   after an 'unknown' answer: used only if Redis still has none (another caller may have put it)
-- Returns {'new', header} (a reply whose reply_to was changed to its thread's root: {'new',
-- header, root}); for a send seen before, {'existing', header, envelope-or-nil}; for a
-- change that must not happen, {'refused', why} with why 'unknown' (no state here: ask again with
-- it), 'forbidden', 'deleted' or 'too_many_emoji', or 'unchanged' (nothing to do: no seq taken).
-- header = "<epoch> <seq> <seconds> <fraction> <node>"; envelope = header .. " " .. draft.
-- Times are kept as (seconds, 100 ns units) because Lua numbers are doubles (exact to 2^53).
local kind = ARGV[9]
if kind ~= 'send' then
  local message = KEYS[3]
  if redis.call('EXISTS', message) == 0 then
    if #ARGV < 16 then
      return {'refused', 'unknown'}
    end
    for i = 16, #ARGV, 2 do
      redis.call('HSET', message, ARGV[i], ARGV[i + 1])
    end
  end
  local known = redis.call('HMGET', message, 's', 'n', 'd')
  if known[2] ~= ARGV[12] then
    return {'refused', 'unknown'} -- another message at the same time: not this id
  end
  local author = ARGV[10]
  if kind == 'edit' then
    if known[1] ~= author then
      return {'refused', 'forbidden'}
    end
    if known[3] then
      return {'refused', 'deleted'}
    end
  elseif kind == 'delete' then
    if known[1] ~= author and ARGV[13] ~= '1' then
      return {'refused', 'forbidden'}
    end
    if known[3] then
      return {'refused', 'unchanged'}
    end
    redis.call('HSET', message, 'd', '1')
  else
    if known[3] then
      return {'refused', 'deleted'}
    end
    local reaction, count = 'r:' .. ARGV[14] .. ':' .. author, 'c:' .. ARGV[14]
    if kind == 'react' then
      if redis.call('HEXISTS', message, reaction) == 1 then
        return {'refused', 'unchanged'}
      end
      if redis.call('HEXISTS', message, count) == 0 then
        local different = 0
        for _, field in ipairs(redis.call('HKEYS', message)) do
          if string.sub(field, 1, 2) == 'c:' then
            different = different + 1
          end
        end
        if different >= tonumber(ARGV[15]) then
          return {'refused', 'too_many_emoji'}
        end
      end
      redis.call('HSET', message, reaction, '1')
      redis.call('HINCRBY', message, count, 1)
    else
      if redis.call('HDEL', message, reaction) == 0 then
        return {'refused', 'unchanged'}
      end
      if redis.call('HINCRBY', message, count, -1) <= 0 then
        redis.call('HDEL', message, count)
      end
    end
  end
  redis.call('PEXPIRE', message, ARGV[11])
end
if kind == 'send' then
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
local draft, root = ARGV[2], nil
if kind == 'send' and ARGV[12] ~= '' then
  root = ARGV[14]
  local parent = redis.call('HMGET', ARGV[12], 'n', 't')
  if parent[1] == ARGV[13] and parent[2] then
    local named = '"reply_to":"' .. ARGV[14] .. '"'
    local from, to = string.find(draft, named, 1, true)
    if from then
      root = parent[2]
      draft = string.sub(draft, 1, from - 1) .. '"reply_to":"' .. root .. '"' .. string.sub(draft, to + 1)
    end
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
local envelope = header .. ' ' .. draft
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[4], seq .. '-0', 't', nowS, 'e', envelope)
redis.call('PEXPIRE', KEYS[2], ARGV[5])
redis.call(ARGV[8], ARGV[3], envelope)
if kind == 'send' then
  redis.call('SET', KEYS[3], header, 'PX', ARGV[6])
  -- the new message's state, for the changes that follow (key as ChannelKeys.message names it)
  local message = string.sub(KEYS[1], 1, -7) .. ':msg:' .. ts .. '.' .. tf
  redis.call('HSET', message, 's', ARGV[10], 'n', ARGV[7])
  if ARGV[16] ~= '' then
    redis.call('HSET', message, 'f', ARGV[16])
  end
  if root then
    redis.call('HSET', message, 't', root)
  end
  redis.call('PEXPIRE', message, ARGV[11])
  for i = 17, #ARGV do
    local mentions = string.sub(KEYS[1], 1, -7) .. ':mentions:' .. ARGV[i]
    redis.call('ZADD', mentions, ts * 1000 + math.floor(tf / 10000), ts .. '.' .. tf)
    redis.call('PEXPIRE', mentions, ARGV[15])
  end
  if root and root ~= ARGV[14] then
    return {'new', header, root}
  end
end
return {'new', header}
