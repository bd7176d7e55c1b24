-- Records a failed sign-in and returns the lockout in ms (0 while under the threshold).
-- KEYS[1]: the failure record. ARGV: now_ms, threshold, base_lock_ms, max_lock_ms, window_ms.
local fails = redis.call('HINCRBY', KEYS[1], 'fails', 1)
local threshold = tonumber(ARGV[2])
local lock = 0
if fails >= threshold then
  lock = math.min(tonumber(ARGV[4]), tonumber(ARGV[3]) * 2 ^ (fails - threshold))
  redis.call('HSET', KEYS[1], 'until', tostring(tonumber(ARGV[1]) + lock))
end
redis.call('PEXPIRE', KEYS[1], math.max(tonumber(ARGV[5]), lock))
return lock
