-- Prepended to every script that reads or writes an authorization (StoreScripts). An authorization is one string:
--   <version>\n<jti>\n<refresh-token digest>\n<its expiry (epoch ms)>\n<predecessor digest>\n<rotation time (epoch
--   ms)>\n<digests of its other lookups, space-separated>\n<record key length>:<record key><document>
-- The refresh token's digest is not repeated among the other lookups: lookupDigests lists them all.
-- Every field before the record key is base64url or decimal; the record key holds the user id, which may contain
-- any byte, so it goes by its length; the document is the rest. One string rather than a hash: a hash that holds a
-- value over 64 bytes is a full hash table, which cost about 370 bytes more per authorization.
-- The header is split by one pattern match (a loop of string.find and string.sub calls cost Redis more), and the
-- document is never copied out: Redis hashes every byte of every string a script makes, so unpacking keeps the
-- value and the document's offset in it (found authorizations are returned as the value and that offset).
local HEADER = '^([^\n]*)\n([^\n]*)\n([^\n]*)\n([^\n]*)\n([^\n]*)\n([^\n]*)\n([^\n]*)\n(%d+):()'

local function unpackAuthorization(value)
  local v, j, rt, re, p, pt, ix, length, at = string.match(value, HEADER)
  length = tonumber(length)
  -- a value the store did not write (or a damaged one) reads as no authorization; a document is never empty
  if not length or at + length > #value then return nil end
  return {v = v, j = j, rt = rt, re = re, p = p, pt = pt, ix = ix, rk = string.sub(value, at, at + length - 1),
    value = value, documentAt = at + length}
end

-- the digests of every lookup the authorization owns, its refresh token's included
local function lookupDigests(a)
  local digests = {}
  for digest in string.gmatch(a.ix, '[^ ]+') do digests[#digests + 1] = digest end
  if a.rt ~= '' then digests[#digests + 1] = a.rt end
  return digests
end

-- one concatenation: Lua builds the value once, with no intermediate strings
local function packAuthorization(a)
  return a.v .. '\n' .. a.j .. '\n' .. a.rt .. '\n' .. a.re .. '\n' .. a.p .. '\n' .. a.pt .. '\n' .. a.ix .. '\n'
    .. string.len(a.rk) .. ':' .. a.rk .. a.d
end

-- A key that holds no string (a hash written by an earlier snapshot of this store, say) reads as no authorization
-- too: remove.lua then deletes it and save.lua overwrites it, instead of failing with WRONGTYPE.
local function readAuthorization(key)
  local value = redis.pcall('GET', key)
  if type(value) ~= 'string' then return nil end
  return unpackAuthorization(value)
end

-- {value, offset of its document (1-based), version, predecessor digest, rotation time, record key}, as find.lua
-- returns it
local function foundAuthorization(a)
  local p, pt = false, false
  if a.p ~= '' then p, pt = a.p, a.pt end
  return {a.value, a.documentAt, a.v, p, pt, a.rk}
end

