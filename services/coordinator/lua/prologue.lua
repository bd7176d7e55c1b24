-- Shared by every coordinator script. KEYS[1] is the key prefix (with a hash
-- tag, so that every key below lives in one cluster slot). Times are Redis
-- server milliseconds: replicas need no synchronised clocks.
local P = KEYS[1]
local QUEUE = P .. 'queue'
local TICKET_SEEN = P .. 'ticket-seen'
local HOLD = P .. 'hold'
local RUN = P .. 'run'
local HOLD_EWMA = P .. 'hold-ewma'
local FREED = P .. 'freed'

local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

local function slot_key(i) return P .. 'slot:' .. i end
local function lease_key(id) return P .. 'lease:' .. id end

-- A Redis restart (or failover, or a restored snapshot) may have lost or
-- rolled back the leases, while their holders still run on the GPUs. The
-- server's run_id tells us it happened. Then nothing in here is trusted:
-- slots are wiped and new grants are held for one lease TTL, during which
-- live holders re-adopt their slots by renewing. After that, every holder
-- that did not renew would have lost its lease anyway.
local function guard_restart(slots, lease_ms)
  local run = string.match(redis.call('INFO', 'server'), 'run_id:(%x+)')
  if redis.call('GET', RUN) == run then return end
  for i = 0, slots - 1 do
    local id = redis.call('GET', slot_key(i))
    if id then redis.call('DEL', lease_key(id)) end
    redis.call('DEL', slot_key(i))
  end
  redis.call('SET', RUN, run)
  redis.call('SET', HOLD, '1', 'PX', lease_ms)
end

local function free_slots(slots)
  local free = {}
  for i = 0, slots - 1 do
    if redis.call('EXISTS', slot_key(i)) == 0 then free[#free + 1] = i end
  end
  return free
end

local function occupy(slot, id, lease_ms, fields)
  redis.call('SET', slot_key(slot), id, 'PX', lease_ms)
  redis.call('HSET', lease_key(id), 'slot', slot, unpack(fields))
  redis.call('PEXPIRE', lease_key(id), lease_ms)
end
