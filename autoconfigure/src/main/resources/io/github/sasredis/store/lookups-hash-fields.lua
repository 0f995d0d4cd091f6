-- Lookups as hash fields (Redis 8.0 and later): the lookup of a secret is the field <digest> of the hash
-- <prefix><first two characters of the digest>, with a TTL of its own (HSETEX). 4,096 hashes hold every lookup, so
-- a grant adds no key for its lookups, and a small hash is one compact listpack. The prefix is <namespace>:tokens:.
-- Defines the same functions as lookups-keys.lua.
local function lookupGet(prefix, digest)
  return redis.call('HGET', prefix .. string.sub(digest, 1, 2), digest)
end

local function lookupSet(prefix, digest, value, unit, ttl)
  return redis.call('HSETEX', prefix .. string.sub(digest, 1, 2), unit, ttl, 'FIELDS', 1, digest, value)
end

local function lookupDelete(prefix, digest)
  return redis.call('HDEL', prefix .. string.sub(digest, 1, 2), digest)
end

-- The lookup as the other layout (lookups-keys.lua) keeps it, for a store switched from it; anything but a string
-- (no such key, or a key of another type) reads as none.
local function lookupGetOther(prefix, digest)
  local value = redis.pcall('GET', prefix .. digest)
  if type(value) == 'string' then return value end
  return false
end
