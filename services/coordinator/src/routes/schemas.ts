import { Type, type Static } from '@sinclair/typebox';
import { CLASSES, WORKLOADS } from '../classes.js';

/** A plain `enum` keyword, so that a bad value is answered with the allowed ones. */
const StringEnum = <T extends readonly string[]>(values: T, description: string) =>
  Type.Unsafe<T[number]>({ type: 'string', enum: [...values], description });

const Ticket = Type.String({ pattern: '^[A-Za-z0-9-]{8,64}$', description: 'Caller-chosen id of a queued request.' });
const HOUR_MS = 3_600_000;

export const AcquireBody = Type.Object(
  {
    workload: StringEnum(WORKLOADS, 'What runs on the GPU.'),
    class: StringEnum(CLASSES, 'How urgent the work is.'),
    expectedMs: Type.Integer({ minimum: 1, maximum: HOUR_MS, description: 'Expected time on the GPU.' }),
    deadlineMs: Type.Optional(
      Type.Integer({ minimum: 1, maximum: HOUR_MS, description: 'Longest the caller will wait for a slot.' }),
    ),
    holder: Type.String({ minLength: 1, maxLength: 200, description: 'Who holds the lease, e.g. a pod name.' }),
    ticket: Type.Optional(Ticket),
  },
  { additionalProperties: false },
);
export type AcquireBody = Static<typeof AcquireBody>;

export const LeaseParams = Type.Object({ id: Type.String({ format: 'uuid' }) });
export type LeaseParams = Static<typeof LeaseParams>;

export const RenewBody = Type.Object(
  {
    slot: Type.Optional(
      Type.Integer({ minimum: 0, description: 'The granted slot: lets a holder keep it across a Redis restart.' }),
    ),
    workload: Type.Optional(StringEnum(WORKLOADS, 'The granted workload.')),
    class: Type.Optional(StringEnum(CLASSES, 'The granted class.')),
    holder: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  },
  { additionalProperties: false },
);
export type RenewBody = Static<typeof RenewBody>;

export const ReleaseQuery = Type.Object({
  outcome: Type.Optional(StringEnum(['released', 'aborted'] as const, 'Why the holder let go.')),
});
export type ReleaseQuery = Static<typeof ReleaseQuery>;

const Lease = Type.Object({
  leaseId: Type.String(),
  slot: Type.Integer(),
  expiresAt: Type.String({ format: 'date-time' }),
  ttlMs: Type.Integer(),
});

export const GrantedReply = Type.Composite([Lease, Type.Object({ waitMs: Type.Integer() })]);
export const RenewedReply = Lease;
export const QueuedReply = Type.Object({
  ticket: Type.String(),
  position: Type.Integer(),
  retryAfterMs: Type.Integer(),
});

const PerClass = Type.Object({ realtime: Type.Integer(), interactive: Type.Integer(), batch: Type.Integer() });
export const QueueReply = Type.Object({
  slots: Type.Integer(),
  busy: Type.Object({ llm: Type.Integer(), asr: Type.Integer() }),
  free: Type.Integer(),
  depth: PerClass,
  maxQueue: Type.Integer(),
  holdMs: Type.Integer({ description: 'Time until grants resume after a Redis restart.' }),
});
