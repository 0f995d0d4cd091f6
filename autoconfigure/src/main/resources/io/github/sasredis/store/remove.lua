-- Removes authorizations atomically with every key they own. KEYS[1] the user's refresh-token index,
-- KEYS[2..] authorization hashes of that user. ARGV[1] now (epoch ms), ARGV[2] grace (ms).
-- Returns, per authorization, the record key it had ('' for none, or when the record was already gone).
local userKey = KEYS[1]
local removed = {}
for i = 2, #KEYS do
  local old = redis.call('HMGET', KEYS[i], 'ix', 'rk', 'j')
  local ix, rk, jti = old[1], old[2], old[3]
  if ix then
    for k in string.gmatch(ix, '[^\n]+') do redis.call('DEL', k) end
  end
  local gone = ''
  if rk and rk ~= '' then
    if redis.call('DEL', rk) == 1 then gone = rk end
    redis.call('ZREM', userKey, jti)
  end
  redis.call('DEL', KEYS[i])
  removed[#removed + 1] = gone
end
redis.call('ZREMRANGEBYSCORE', userKey, '-inf', '(' .. ARGV[1])
return removed
