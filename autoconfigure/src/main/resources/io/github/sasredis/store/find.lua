-- Reads one authorization. KEYS[1] authorization key; KEYS[2], when given, the refresh-token record that must
-- exist for the authorization to be returned (the record is the authority for its refresh token).
-- Returns {value, offset of its document (1-based), version, digest of the refresh token it replaced, rotation time
-- (epoch ms), record key}, or nil.
if #KEYS > 1 and redis.call('EXISTS', KEYS[2]) == 0 then
  return nil
end
local a = readAuthorization(KEYS[1])
if not a then
  return nil
end
return foundAuthorization(a)
