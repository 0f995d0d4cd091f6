-- Saves one authorization atomically. See RedisOAuth2AuthorizationService for the key layout.
-- KEYS[1] authorization hash, KEYS[2] the user's refresh-token index, KEYS[3] refresh-token record,
-- KEYS[4..] lookup keys of every secret the authorization holds.
-- ARGV[1] document, ARGV[2] version the writer read ('' for none), ARGV[3] hash TTL (ms), ARGV[4] now (epoch ms),
-- ARGV[5] '1' when the authorization has a live refresh token, ARGV[6] lookup key of that refresh token,
-- ARGV[7] record JSON, ARGV[8] record TTL (s), ARGV[9] refresh token expiry (epoch ms), ARGV[10] jti,
-- ARGV[11] grace (ms), ARGV[12] authorization id, then a value and a TTL (ms) for each lookup key, in order.
-- When the refresh token is replaced (rotation), the old one's lookup key is kept, marked rotated-out ('x'), until
-- the old token would have expired, so that presenting it again can be detected as reuse.
-- Returns {version, revoked, created}: revoked is 1 when a live refresh-token record was deleted because the
-- token was invalidated, created is 1 when a record was written for a refresh token new to the authorization. Returns {-1} when the writer read an older version and would add a secret (a concurrent
-- rotation or code exchange won), {-2} when the authorization was removed since the writer read it.
local authKey, userKey, recordKey = KEYS[1], KEYS[2], KEYS[3]
local old = redis.call('HMGET', authKey, 'v', 'ix', 'rk', 'j', 'rt', 're')
local oldVersion, oldIx, oldRk, oldJti, oldRt, oldRe = old[1], old[2], old[3], old[4], old[5], old[6]
local expected = ARGV[2]

local oldSet = {}
if oldIx then
  for k in string.gmatch(oldIx, '[^\n]+') do oldSet[k] = true end
end

if expected ~= '' and oldVersion ~= expected then
  if not oldVersion then
    return {-2}
  end
  for i = 4, #KEYS do
    if not oldSet[KEYS[i]] then
      return {-1}
    end
  end
end

local newSet = {}
local lookupKeys = {}
for i = 4, #KEYS do
  newSet[KEYS[i]] = true
  lookupKeys[#lookupKeys + 1] = KEYS[i]
end
local now = tonumber(ARGV[4])
local grace = tonumber(ARGV[11])
local rotated = oldRt and oldRt ~= '' and ARGV[6] ~= '' and ARGV[6] ~= oldRt and oldSet[oldRt]
for k, _ in pairs(oldSet) do
  if not newSet[k] then
    if rotated and k == oldRt and tonumber(oldRe) and tonumber(oldRe) + grace > now then
      redis.call('SET', k, 'x' .. ARGV[12], 'PXAT', math.floor(tonumber(oldRe)) + grace)
    else
      redis.call('DEL', k)
    end
  end
end
local hasRecord = ARGV[5] == '1'
local revoked = 0
if oldRk and oldRk ~= '' and ((not hasRecord) or oldRk ~= recordKey) then
  local deleted = redis.call('DEL', oldRk)
  redis.call('ZREM', userKey, oldJti)
  if (not hasRecord) and oldRk == recordKey and deleted == 1 then
    revoked = 1
  end
end
local created = 0
if hasRecord and not oldSet[ARGV[6]] then
  created = 1
  redis.call('SET', recordKey, ARGV[7], 'EX', ARGV[8])
  redis.call('ZADD', userKey, ARGV[9], ARGV[10])
end
redis.call('ZREMRANGEBYSCORE', userKey, '-inf', '(' .. now)
local newest = redis.call('ZRANGE', userKey, -1, -1, 'WITHSCORES')
if newest[2] then
  redis.call('PEXPIREAT', userKey, math.floor(tonumber(newest[2])) + grace)
end

for i = 1, #lookupKeys do
  redis.call('SET', lookupKeys[i], ARGV[11 + 2 * i], 'PX', ARGV[12 + 2 * i])
end

local version = (tonumber(oldVersion) or 0) + 1
local rk, jti = '', ''
if hasRecord then
  rk, jti = recordKey, ARGV[10]
end
redis.call('HSET', authKey, 'd', ARGV[1], 'v', version, 'ix', table.concat(lookupKeys, '\n'), 'rk', rk, 'j', jti,
  'rt', ARGV[6], 're', ARGV[9])
if rotated then
  redis.call('HSET', authKey, 'p', oldRt, 'pt', now)
end
redis.call('PEXPIRE', authKey, ARGV[3])
return {version, revoked, created}
