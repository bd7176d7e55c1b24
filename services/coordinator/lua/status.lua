-- A read of the shared state for /v1/queue and the gauges.
-- ARGV: slots, leaseMs (unused)
-- Returns {liveQueueMembers, busyWorkloads, holdMs}
local slots, now = tonumber(ARGV[1]), now_ms()
local queued = {}
for _, m in ipairs(redis.call('ZRANGE', QUEUE, 0, -1)) do
  if tonumber(redis.call('HGET', TICKET_SEEN, m) or 0) >= now then queued[#queued + 1] = m end
end
local busy = {}
for i = 0, slots - 1 do
  local id = redis.call('GET', slot_key(i))
  if id then busy[#busy + 1] = redis.call('HGET', lease_key(id), 'workload') or 'unknown' end
end
return {queued, busy, math.max(0, redis.call('PTTL', HOLD))}
