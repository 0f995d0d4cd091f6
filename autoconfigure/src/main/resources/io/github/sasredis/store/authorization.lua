-- Prepended to every script that reads or writes an authorization (StoreScripts). An authorization is one string:
--   <version>\n<jti>\n<refresh-token digest>\n<its expiry (epoch ms)>\n<predecessor digest>\n<rotation time (epoch
--   ms)>\n<digests of its other lookups, space-separated>\n<record key length>:<record key><document>
-- The refresh token's digest is not repeated among the other lookups: lookupDigests lists them all.
-- Every field before the record key is base64url or decimal; the record key holds the user id, which may contain
-- any byte, so it goes by its length; the document is the rest. One string rather than a hash: a hash that holds a
-- value over 64 bytes is a full hash table, which cost about 370 bytes more per authorization.
local function unpackAuthorization(value)
  local f, pos = {}, 1
  for i = 1, 7 do
    local nl = string.find(value, '\n', pos, true)
    if not nl then return nil end
    f[i] = string.sub(value, pos, nl - 1)
    pos = nl + 1
  end
  local colon = string.find(value, ':', pos, true)
  local length = colon and tonumber(string.sub(value, pos, colon - 1))
  -- a value the store did not write (or a damaged one) reads as no authorization; a document is never empty
  if not length or length < 0 or colon + length >= #value then return nil end
  return {v = f[1], j = f[2], rt = f[3], re = f[4], p = f[5], pt = f[6], ix = f[7],
    rk = string.sub(value, colon + 1, colon + length), d = string.sub(value, colon + length + 1)}
end

-- the digests of every lookup the authorization owns, its refresh token's included
local function lookupDigests(a)
  local digests = {}
  for digest in string.gmatch(a.ix, '[^ ]+') do digests[#digests + 1] = digest end
  if a.rt ~= '' then digests[#digests + 1] = a.rt end
  return digests
end

local function packAuthorization(a)
  return table.concat({a.v, a.j, a.rt, a.re, a.p, a.pt, a.ix, #a.rk .. ':' .. a.rk .. a.d}, '\n')
end

-- A key that holds no string (a hash written by an earlier snapshot of this store, say) reads as no authorization
-- too: remove.lua then deletes it and save.lua overwrites it, instead of failing with WRONGTYPE.
local function readAuthorization(key)
  local value = redis.pcall('GET', key)
  if type(value) ~= 'string' then return nil end
  return unpackAuthorization(value)
end

-- {document, version, predecessor lookup key, rotation time, record key}, as find.lua returns it
local function foundAuthorization(a, tokenPrefix)
  local p, pt = false, false
  if a.p ~= '' then p, pt = tokenPrefix .. a.p, a.pt end
  return {a.d, a.v, p, pt, a.rk}
end

