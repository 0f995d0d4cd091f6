-- Lists the jtis of a user's live refresh tokens. KEYS[1] the user's refresh-token index; ARGV[1] now (epoch ms).
-- Prunes entries that expired, then returns the rest, soonest to expire first.
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[1])
return redis.call('ZRANGEBYSCORE', KEYS[1], ARGV[1], '+inf')
