-- Finds an authorization by one of its secrets in one round trip, in the standalone layout only: it reads keys that
-- the lookup value names, which Redis Cluster would refuse (the cluster layout does a GET, then find.lua).
-- KEYS[1] the key that holds the lookup (the lookup key, or the hash of lookups-hash-fields.lua); ARGV[1] the prefix
-- of lookups, ARGV[2] of authorization keys (<namespace>:authorization:), ARGV[3] of record keys (<refresh prefix>:),
-- ARGV[4] the secret's digest, ARGV[5] the prefix of lookups in the other layout, read when the lookup is not found
-- in this one ('' for none): lookups written before the store was switched from one layout to the other keep
-- working until they expire. The lookup value is <kind><UTF-8 length of n>:<n><r>, where the authorization key is ARGV[2] .. n and,
-- when r is not empty, the record key ARGV[3] .. r (see Lookup). A refresh token's lookup without r is checked
-- against the record its authorization names.
-- Returns nil without a lookup; {lookup} when the lookup is malformed, when its refresh-token record is gone (the
-- record is the authority for its refresh token) or when the authorization is gone; else
-- {lookup, value, offset of its document, version, predecessor digest, rotation time, record key}, as find.lua. A
-- rotated-out lookup ('x') names no record: its authorization is returned for the caller to judge the reuse.
local digest = ARGV[4]
local lookup = lookupGet(ARGV[1], digest)
if not lookup and ARGV[5] ~= '' then
  lookup = lookupGetOther(ARGV[5], digest)
end
if not lookup then
  return nil
end
local colon = string.find(lookup, ':', 2, true)
local length = colon and tonumber(string.sub(lookup, 2, colon - 1))
if not length or length <= 0 or colon + length > #lookup then
  return {lookup}
end
local authKey = ARGV[2] .. string.sub(lookup, colon + 1, colon + length)
local record = string.sub(lookup, colon + length + 1)
if record ~= '' and redis.call('EXISTS', ARGV[3] .. record) == 0 then
  return {lookup}
end
local a = readAuthorization(authKey)
if not a then
  return {lookup}
end
if record == '' and digest == a.rt and (a.rk == '' or redis.call('EXISTS', a.rk) == 0) then
  return {lookup}
end
local found = foundAuthorization(a)
return {lookup, found[1], found[2], found[3], found[4], found[5], found[6]}
