import { randomBytes } from 'node:crypto';
import { dataKeyFrom, type KeyRing } from '../crypto/sealed-box.js';

/** A fresh random data key ring, as the operator generates one (32 random bytes). */
export function randomKeyRing(previous?: KeyRing): KeyRing {
  return { primary: dataKeyFrom(randomBytes(32), 'test key'), previous: previous?.primary };
}
