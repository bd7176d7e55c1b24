-- A read of the shared state for /v1/queue and the gauges.
-- ARGV: slots, leaseMs
-- Returns {liveQueueMembers, busyWorkloads, holdMs}
-- It runs the restart guard too, so a coordinator that reads the state at
-- start-up begins any post-restart hold then, not at its first request.
local slots, now = tonumber(ARGV[1]), now_ms()
guard_restart(slots, tonumber(ARGV[2]))
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
