-- Enqueues a ticket (or refreshes one already queued) and grants it a slot
-- when it is among the first live tickets that fit the free slots.
-- ARGV: slots, leaseMs, maxQueue, ticketTtlMs, member, headStartMs,
--       deadlineMs (0: none), expectedMs, leaseId, workload, class, holder
-- Returns {'granted', slot, expiresAt, enqueuedAt}
--       | {'wait', position, estimateMs, waitedMs}
--       | {'denied', reason, estimateMs}
local slots, lease_ms, max_queue, ticket_ttl = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local member, head_start, deadline, expected = ARGV[5], tonumber(ARGV[6]), tonumber(ARGV[7]), tonumber(ARGV[8])
local lease_id, workload, class, holder = ARGV[9], ARGV[10], ARGV[11], ARGV[12]

guard_restart(slots, lease_ms)
local now = now_ms()
local held = redis.call('EXISTS', HOLD) == 1
local free = held and {} or free_slots(slots)

local function hold_estimate()
  return tonumber(redis.call('GET', HOLD_EWMA) or expected)
end

-- Time until `ahead` tickets have been served, slots turning over at the mean hold.
local function estimate(ahead)
  if ahead < #free then return 0 end
  local held_ms = held and tonumber(redis.call('PTTL', HOLD)) or 0
  return held_ms + math.ceil((ahead - #free + 1) / slots) * hold_estimate()
end

-- Walks the queue from the front, dropping tickets whose waiter stopped
-- polling, until `member` or as many live tickets as there are free slots.
local function live_rank()
  local rank = 0
  for _, m in ipairs(redis.call('ZRANGE', QUEUE, 0, -1)) do
    if m == member then return rank end
    if tonumber(redis.call('HGET', TICKET_SEEN, m) or 0) < now then
      redis.call('ZREM', QUEUE, m)
      redis.call('HDEL', TICKET_SEEN, m)
    else
      rank = rank + 1
      if rank >= #free then return rank end
    end
  end
  return rank
end

local score = redis.call('ZSCORE', QUEUE, member)
if not score then
  score = now - head_start
  local ahead = redis.call('ZCOUNT', QUEUE, '-inf', '(' .. score)
  if redis.call('ZCARD', QUEUE) >= max_queue and ahead >= #free then
    return {'denied', 'queue_full', estimate(redis.call('ZCARD', QUEUE))}
  end
  local wait = estimate(ahead)
  if deadline > 0 and wait > deadline then return {'denied', 'deadline', wait} end
  redis.call('ZADD', QUEUE, score, member)
end
redis.call('HSET', TICKET_SEEN, member, now + ticket_ttl)

local rank = live_rank()
if rank >= #free then return {'wait', rank, estimate(rank), now - (tonumber(score) + head_start)} end

redis.call('ZREM', QUEUE, member)
redis.call('HDEL', TICKET_SEEN, member)
occupy(free[rank + 1], lease_id, lease_ms, {'workload', workload, 'class', class, 'holder', holder, 'grantedAt', now})
redis.call('SET', HOLD_EWMA, math.floor(0.8 * hold_estimate() + 0.2 * expected))
return {'granted', free[rank + 1], now + lease_ms, tonumber(score) + head_start}
