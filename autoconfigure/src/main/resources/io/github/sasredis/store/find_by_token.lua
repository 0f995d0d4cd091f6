-- Finds an authorization by one of its secrets in one round trip, in the standalone layout only: it reads keys that
-- the lookup value names, which Redis Cluster would refuse (the cluster layout does a GET, then find.lua).
-- KEYS[1] the lookup key <namespace>:token:<digest>; ARGV[1] the prefix of lookup keys (<namespace>:token:). The
-- lookup value is <kind><UTF-8 length of the authorization key>:<authorization key><record key> (see Lookup).
-- Returns nil without a lookup; {lookup} when the lookup is malformed, when its refresh-token record is gone (the
-- record is the authority for its refresh token) or when the authorization is gone; else
-- {lookup, document, version, predecessor lookup key, rotation time (epoch ms), record key}, as find.lua. A
-- rotated-out lookup ('x') names no record: its authorization is returned for the caller to judge the reuse.
local lookup = redis.call('GET', KEYS[1])
if not lookup then
  return nil
end
local colon = string.find(lookup, ':', 2, true)
local length = colon and tonumber(string.sub(lookup, 2, colon - 1))
if not length or length <= 0 or colon + length > #lookup then
  return {lookup}
end
local authKey = string.sub(lookup, colon + 1, colon + length)
local recordKey = string.sub(lookup, colon + length + 1)
if recordKey ~= '' and redis.call('EXISTS', recordKey) == 0 then
  return {lookup}
end
local a = readAuthorization(authKey)
if not a then
  return {lookup}
end
local found = foundAuthorization(a, ARGV[1])
return {lookup, found[1], found[2], found[3], found[4], found[5]}
