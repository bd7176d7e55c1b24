-- One round trip per admission: revocation markers, token buckets and a tenant budget,
-- and optionally a lease of further admissions for the gateway to hand out itself.
-- KEYS: markers (ARGV[2] of them), then buckets (ARGV[3] of them), then an optional budget key.
-- ARGV: now_ms, n_markers, n_buckets, lease_wanted, then rate_per_ms and burst per bucket,
-- then the budget limit.
-- Returns {status, wait_ms, remaining, reset_ms, bucket, leased}: status 1 allowed, 0 limited,
-- -1 revoked, -2 budget spent. Nothing is consumed unless every bucket has a token; when
-- allowed, each bucket also gives up `leased` more: at most lease_wanted, and only whole tokens it holds.
local now = tonumber(ARGV[1])
local nm = tonumber(ARGV[2])
local nb = tonumber(ARGV[3])
local wanted = tonumber(ARGV[4])
if nm > 0 and redis.call('EXISTS', unpack(KEYS, 1, nm)) > 0 then return {-1, 0, 0, 0, 0, 0} end
local budget_key = KEYS[nm + nb + 1]
if budget_key then
  local spent = tonumber(redis.call('GET', budget_key) or '0')
  if spent >= tonumber(ARGV[5 + 2 * nb]) then return {-2, 0, 0, 0, 0, 0} end
end
local tokens, wait, slowest, spare = {}, 0, 0, wanted
for j = 1, nb do
  local rate, burst = tonumber(ARGV[3 + 2 * j]), tonumber(ARGV[4 + 2 * j])
  local state = redis.call('HMGET', KEYS[nm + j], 't', 'at')
  local t = tonumber(state[1]) or burst
  local at = tonumber(state[2]) or now
  t = math.min(burst, t + math.max(0, now - at) * rate)
  tokens[j] = t
  if t < 1 and math.ceil((1 - t) / rate) > wait then
    wait, slowest = math.ceil((1 - t) / rate), j
  end
  spare = math.min(spare, math.floor(t - 1))
end
if wait > 0 then return {0, wait, 0, wait, slowest, 0} end
spare = math.max(0, spare)
local remaining, reset, tightest = math.huge, 0, 1
for j = 1, nb do
  local rate, burst = tonumber(ARGV[3 + 2 * j]), tonumber(ARGV[4 + 2 * j])
  local left = tokens[j] - 1 - spare
  redis.call('HSET', KEYS[nm + j], 't', tostring(left), 'at', tostring(now))
  redis.call('PEXPIRE', KEYS[nm + j], math.ceil(burst / rate) + 1000)
  if left < remaining then remaining, tightest, reset = left, j, math.ceil((burst - left) / rate) end
end
return {1, 0, math.floor(remaining), reset, tightest, spare}
