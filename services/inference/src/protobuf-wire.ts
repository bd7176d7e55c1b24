/**
 * Just enough of the protobuf wire format to edit an ONNX model in place:
 * walk a message's fields, read strings, and write length-delimited fields.
 * Fields that are not edited are copied byte for byte, so nothing the edit
 * does not understand (initializers, attributes, metadata) can be lost.
 */

export const WireType = { Varint: 0, Fixed64: 1, Len: 2, Fixed32: 5 } as const;

export interface Field {
  readonly no: number;
  readonly wireType: number;
  /** The whole field, tag included: copy this to keep the field as it was. */
  readonly raw: Uint8Array;
  /** A length-delimited field's payload (a string, bytes or a nested message); empty otherwise. */
  readonly body: Uint8Array;
}

/** Thrown when bytes are not a well-formed protobuf message. */
export class WireFormatError extends Error {}

function readVarint(buf: Uint8Array, at: number): [value: number, next: number] {
  let value = 0;
  let scale = 1;
  for (let i = at; i < buf.length && i < at + 10; i++) {
    const byte = buf[i] as number;
    value += (byte & 0x7f) * scale;
    if (byte < 0x80) return [value, i + 1];
    scale *= 128;
  }
  throw new WireFormatError(`truncated varint at byte ${at}`);
}

function skipValue(buf: Uint8Array, wireType: number, at: number): [bodyStart: number, end: number] {
  switch (wireType) {
    case WireType.Varint:
      return [at, readVarint(buf, at)[1]];
    case WireType.Fixed64:
      return [at, at + 8];
    case WireType.Fixed32:
      return [at, at + 4];
    case WireType.Len: {
      const [length, start] = readVarint(buf, at);
      return [start, start + length];
    }
    default:
      throw new WireFormatError(`unsupported wire type ${wireType} at byte ${at}`);
  }
}

/** The fields of one message, in order. */
export function fields(buf: Uint8Array): Field[] {
  const out: Field[] = [];
  let at = 0;
  while (at < buf.length) {
    const [tag, valueAt] = readVarint(buf, at);
    const wireType = tag % 8;
    const [bodyStart, end] = skipValue(buf, wireType, valueAt);
    if (end > buf.length) throw new WireFormatError(`field ${Math.floor(tag / 8)} runs past the end of its message`);
    const body = wireType === WireType.Len ? buf.subarray(bodyStart, end) : buf.subarray(end, end);
    out.push({ no: Math.floor(tag / 8), wireType, raw: buf.subarray(at, end), body });
    at = end;
  }
  return out;
}

const decoder = new TextDecoder();
const encoder = new TextEncoder();

export function text(field: Field): string {
  return decoder.decode(field.body);
}

/** The string values of every length-delimited field `no` in a message. */
export function strings(message: readonly Field[], no: number): string[] {
  return message.filter((f) => f.no === no && f.wireType === WireType.Len).map(text);
}

function varint(value: number): number[] {
  const out: number[] = [];
  let v = value;
  while (v >= 0x80) {
    out.push((v % 128) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return out;
}

/** A length-delimited field: a nested message, bytes, or (given a string) UTF-8 text. */
export function lenField(no: number, body: Uint8Array | string): Uint8Array {
  const bytes = typeof body === 'string' ? encoder.encode(body) : body;
  return Buffer.concat([Uint8Array.from([...varint(no * 8 + WireType.Len), ...varint(bytes.length)]), bytes]);
}

export function varintField(no: number, value: number): Uint8Array {
  return Uint8Array.from([...varint(no * 8 + WireType.Varint), ...varint(value)]);
}
