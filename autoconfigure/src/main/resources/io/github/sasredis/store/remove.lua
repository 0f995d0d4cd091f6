-- Removes authorizations of one user atomically with every key they own in the user's hash slot.
-- KEYS[1] the user's refresh-token index, KEYS[2..] authorization hashes of that user.
-- ARGV[1] now (epoch ms), ARGV[2] '1' to delete their lookup keys here (standalone) or '0' to return them (cluster).
-- Returns, per authorization, {record key it had ('' for none or when already gone), lookup keys ('\n'-joined,
-- only when ARGV[2] is '0'), 1 when the authorization still existed else 0}.
local userKey = KEYS[1]
local apply = ARGV[2] == '1'
local removed = {}
for i = 2, #KEYS do
  local old = redis.call('HMGET', KEYS[i], 'ix', 'rk', 'j')
  local ix, rk, jti = old[1], old[2], old[3]
  if ix and apply then
    for k in string.gmatch(ix, '[^\n]+') do redis.call('DEL', k) end
  end
  local gone = ''
  if rk and rk ~= '' then
    if redis.call('DEL', rk) == 1 then gone = rk end
    redis.call('ZREM', userKey, jti)
  end
  local existed = redis.call('DEL', KEYS[i])
  local returned = ''
  if ix and not apply then returned = ix end
  removed[#removed + 1] = {gone, returned, existed}
end
redis.call('ZREMRANGEBYSCORE', userKey, '-inf', '(' .. ARGV[1])
return removed
