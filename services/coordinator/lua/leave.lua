-- Removes a waiter's ticket (it gave up, timed out or went away).
-- ARGV: slots, leaseMs, member
guard_restart(tonumber(ARGV[1]), tonumber(ARGV[2]))
redis.call('HDEL', TICKET_SEEN, ARGV[3])
return redis.call('ZREM', QUEUE, ARGV[3])
