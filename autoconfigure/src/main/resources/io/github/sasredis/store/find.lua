-- Reads one authorization. KEYS[1] authorization hash; KEYS[2], when given, the refresh-token record that must
-- exist for the authorization to be returned (the record is the authority for its refresh token).
-- Returns {document, version, predecessor lookup key, rotation time (epoch ms), record key}, or nil.
if #KEYS > 1 and redis.call('EXISTS', KEYS[2]) == 0 then
  return nil
end
local found = redis.call('HMGET', KEYS[1], 'd', 'v', 'p', 'pt', 'rk')
if not found[1] then
  return nil
end
return found
