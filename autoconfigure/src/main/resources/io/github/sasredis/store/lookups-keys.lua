-- Lookups as keys (the default): the lookup of a secret is the string key <prefix><digest>, with a TTL of its own.
-- Put in front of every script that reads or writes lookups (StoreScripts); lookups-hash-fields.lua defines the same
-- functions for the other layout. The prefix is <namespace>:token:.
local function lookupGet(prefix, digest)
  return redis.call('GET', prefix .. digest)
end

local function lookupSet(prefix, digest, value, unit, ttl)
  return redis.call('SET', prefix .. digest, value, unit, ttl)
end

local function lookupDelete(prefix, digest)
  return redis.call('DEL', prefix .. digest)
end

-- The lookup as the other layout (lookups-hash-fields.lua) keeps it, for a store switched back from it; anything but
-- a string (no such field, or a key of another type) reads as none.
local function lookupGetOther(prefix, digest)
  local value = redis.pcall('HGET', prefix .. string.sub(digest, 1, 2), digest)
  if type(value) == 'string' then return value end
  return false
end
