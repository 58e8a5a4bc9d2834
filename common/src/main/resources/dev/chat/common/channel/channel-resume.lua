-- Serves a resume from the channel's recovery log, atomically with respect to appends.
-- KEYS[1] the channel's state   KEYS[2] its recovery log
-- ARGV[1] the client's epoch ('' for none)   ARGV[2] the client's last seq
-- ARGV[3] recovery log length   ARGV[4] recovery window (seconds)
-- Returns {'resumed', epoch, seq, envelope, envelope, ...} with every event after the client's
-- seq, or {'resync', epoch, seq} when the log cannot prove a contiguous answer.
local state = redis.call('HMGET', KEYS[1], 'epoch', 'seq')
local after = tonumber(ARGV[2])
local fresh = ARGV[1] == '' and after == 0
if not state[1] then
  -- no sequence: the channel never had an event, or Redis lost its state
  if fresh then
    return {'resumed', '', '0'}
  end
  return {'resync', '', '0'}
end
local epoch, seq = state[1], tonumber(state[2])
-- a client without an epoch has seen nothing: it may take the channel from seq 1 if the log has it
if epoch ~= ARGV[1] and not fresh then
  return {'resync', epoch, state[2]}
end
if after > seq or seq - after > tonumber(ARGV[3]) then
  return {'resync', epoch, state[2]}
end
local result = {'resumed', epoch, state[2]}
if after == seq then
  return result
end
local entries = redis.call('XRANGE', KEYS[2], (after + 1) .. '-0', '+', 'COUNT', seq - after)
if #entries ~= seq - after or entries[1][1] ~= (after + 1) .. '-0' then
  return {'resync', epoch, state[2]}
end
local oldest = tonumber(redis.call('TIME')[1]) - tonumber(ARGV[4])
for i = 1, #entries do
  local fields = entries[i][2]
  local t, envelope
  for j = 1, #fields, 2 do
    if fields[j] == 't' then t = tonumber(fields[j + 1]) end
    if fields[j] == 'e' then envelope = fields[j + 1] end
  end
  if i == 1 and t < oldest then
    return {'resync', epoch, state[2]}
  end
  result[#result + 1] = envelope
end
return result
