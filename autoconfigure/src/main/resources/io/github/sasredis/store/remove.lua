-- Removes authorizations of one user atomically with every key they own in the user's hash slot.
-- KEYS[1] the user's refresh-token index, KEYS[2..] authorization keys of that user.
-- ARGV[1] now (epoch ms), ARGV[2] '1' to delete their lookups here (standalone) or '0' to return their keys (cluster),
-- ARGV[3] the prefix of lookups (lookups-keys.lua, lookups-hash-fields.lua).
-- Returns, per authorization, {record key it had ('' for none or when already gone), lookup keys ('\n'-joined,
-- only when ARGV[2] is '0'), 1 when the authorization still existed else 0}.
local userKey = KEYS[1]
local apply = ARGV[2] == '1'
local tokenPrefix = ARGV[3]
local removed = {}
for i = 2, #KEYS do
  local a = readAuthorization(KEYS[i])
  local lookups = {}
  local gone = ''
  if a then
    for _, digest in ipairs(lookupDigests(a)) do
      if apply then lookupDelete(tokenPrefix, digest) else lookups[#lookups + 1] = tokenPrefix .. digest end
    end
    if a.rk ~= '' then
      if redis.call('DEL', a.rk) == 1 then gone = a.rk end
      redis.call('ZREM', userKey, a.j)
    end
  end
  local existed = redis.call('DEL', KEYS[i])
  local returned = ''
  if not apply then returned = table.concat(lookups, '\n') end
  removed[#removed + 1] = {gone, returned, existed}
end
redis.call('ZREMRANGEBYSCORE', userKey, '-inf', '(' .. ARGV[1])
return removed
