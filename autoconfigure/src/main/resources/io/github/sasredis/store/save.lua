-- Saves one authorization atomically. See RedisOAuth2AuthorizationService for the key layout and authorization.lua
-- for the form of the authorization's value.
-- KEYS[1] authorization key, KEYS[2] the user's refresh-token index, KEYS[3] refresh-token record (all in the
-- user's hash slot), then, in the standalone layout only, KEYS[4..] the keys that hold the lookups of the secrets it
-- holds (declared, not read: the lookups go by the digests below).
-- ARGV[1] document, ARGV[2] version the writer read ('' for none), ARGV[3] authorization TTL (ms), ARGV[4] now
-- (epoch ms), ARGV[5] '1' when the authorization has a live refresh token, ARGV[6] digest of its refresh token
-- ('' if none), ARGV[7] record JSON, ARGV[8] record TTL (s), ARGV[9] refresh token expiry (epoch ms), ARGV[10] jti,
-- ARGV[11] grace (ms), ARGV[12] value of a rotated-out lookup, ARGV[13] '1' to write lookups here (standalone) or
-- '0' to leave them to the caller (cluster), ARGV[14] the prefix of lookups (lookups-keys.lua,
-- lookups-hash-fields.lua), ARGV[15] n lookups, then a digest, a value and a TTL (ms) per lookup. The authorization
-- keeps the digests.
-- When the refresh token is replaced (rotation), the old one's lookup is kept, marked rotated-out, until the old
-- token would have expired, so that presenting it again can be detected as reuse.
-- Returns {version, revoked, created, rotated-out key, its expiry (epoch ms), obsolete lookup keys...}: revoked is
-- 1 when a live record was deleted because its token was invalidated, created 1 when a record was written for a
-- refresh token new to the authorization; the rotated-out key and the obsolete keys (prefix and digest) are only
-- returned for the caller to apply when ARGV[13] is '0'. Returns {-1} when the writer read an older version and
-- would add a secret (a concurrent rotation or code exchange won), {-2} when the authorization was removed since the
-- writer read it.
local authKey, userKey, recordKey = KEYS[1], KEYS[2], KEYS[3]
local apply = ARGV[13] == '1'
local tokenPrefix = ARGV[14]
local n = tonumber(ARGV[15])
local digests = {}
for i = 1, n do digests[i] = ARGV[13 + 3 * i] end
local newRt = ARGV[6]

local old = readAuthorization(authKey) or {v = false, j = '', rt = '', re = '', p = '', pt = '', ix = '', rk = ''}
local oldVersion = old.v
local expected = ARGV[2]

local oldSet = {}
for _, digest in ipairs(lookupDigests(old)) do oldSet[digest] = true end

if expected ~= '' and oldVersion ~= expected then
  if not oldVersion then
    return {-2}
  end
  for i = 1, n do
    if not oldSet[digests[i]] then
      return {-1}
    end
  end
end

local now = tonumber(ARGV[4])
local grace = tonumber(ARGV[11])
local newSet = {}
for i = 1, n do newSet[digests[i]] = true end
local rotated = old.rt ~= '' and newRt ~= '' and newRt ~= old.rt and oldSet[old.rt]
  and tonumber(old.re) and tonumber(old.re) + grace > now
local rotatedDigest, rotatedUntil = '', 0
local obsolete = {}
for digest, _ in pairs(oldSet) do
  if not newSet[digest] then
    if rotated and digest == old.rt then
      rotatedDigest, rotatedUntil = digest, math.floor(tonumber(old.re)) + grace
    else
      obsolete[#obsolete + 1] = digest
    end
  end
end
if apply then
  for i = 1, #obsolete do lookupDelete(tokenPrefix, obsolete[i]) end
  if rotatedDigest ~= '' then
    lookupSet(tokenPrefix, rotatedDigest, ARGV[12], 'PXAT', rotatedUntil)
  end
  for i = 1, n do
    -- a lookup the authorization already owned keeps its value and expiry: only new secrets are written
    if not oldSet[digests[i]] then
      lookupSet(tokenPrefix, digests[i], ARGV[14 + 3 * i], 'PX', ARGV[15 + 3 * i])
    end
  end
end

local hasRecord = ARGV[5] == '1'
local revoked = 0
if old.rk ~= '' and ((not hasRecord) or old.rk ~= recordKey) then
  local deleted = redis.call('DEL', old.rk)
  redis.call('ZREM', userKey, old.j)
  if (not hasRecord) and old.rk == recordKey and deleted == 1 then
    revoked = 1
  end
end
local created = 0
if hasRecord and not oldSet[newRt] then
  created = 1
  redis.call('SET', recordKey, ARGV[7], 'EX', ARGV[8])
  redis.call('ZADD', userKey, ARGV[9], ARGV[10])
end
redis.call('ZREMRANGEBYSCORE', userKey, '-inf', '(' .. ARGV[4])
local newest = redis.call('ZRANGE', userKey, -1, -1, 'WITHSCORES')
if newest[2] then
  redis.call('PEXPIREAT', userKey, math.floor(tonumber(newest[2])) + grace)
end

local version = (tonumber(oldVersion) or 0) + 1
local rk, jti = '', ''
if hasRecord then
  rk, jti = recordKey, ARGV[10]
end
local p, pt = old.p, old.pt
if rotated then
  p, pt = old.rt, tostring(now)
end
local others = {}
for i = 1, n do
  if digests[i] ~= newRt then others[#others + 1] = digests[i] end
end
redis.call('SET', authKey, packAuthorization({v = tostring(version), j = jti, rt = newRt, re = ARGV[9], p = p,
  pt = pt, ix = table.concat(others, ' '), rk = rk, d = ARGV[1]}), 'PX', ARGV[3])
local result = {version, revoked, created}
if not apply then
  result[4], result[5] = '', rotatedUntil
  if rotatedDigest ~= '' then result[4] = tokenPrefix .. rotatedDigest end
  for i = 1, #obsolete do result[5 + i] = tokenPrefix .. obsolete[i] end
end
return result
