import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { resolveModel } from './catalog.js';
import { DEFAULT_EMBEDDING_MODEL } from './embeddings.js';
import { createSession } from './ort-session.js';
import { packedModel, PackedInput } from './packed-graph.js';
import { fields } from './protobuf-wire.js';

// Real model files from `npm run models:fetch`.
describe('packedModel', () => {
  it('turns the MiniLM export into a graph fed a bias and positions instead of a mask', async () => {
    const model = await resolveModel(DEFAULT_EMBEDDING_MODEL);
    const packed = packedModel(await readFile(model.file('model.onnx')));
    expect(packed).toBeDefined();
    const session = await createSession(packed!);
    expect([...session.inputNames].sort()).toEqual(
      ['input_ids', 'token_type_ids', PackedInput.Bias, PackedInput.Positions].sort(),
    );
    expect(session.outputNames).toEqual(['last_hidden_state']);
    await session.release();
  });

  it('leaves a graph of another shape alone (the caller pads instead)', async () => {
    const vad = await resolveModel('silero-vad-v5');
    expect(packedModel(await readFile(vad.file('silero_vad.onnx')))).toBeUndefined();
  });

  it('refuses bytes that are not a protobuf message', () => {
    expect(() => fields(Uint8Array.from([0x0a, 0x80]))).toThrow(/truncated varint/);
    expect(() => packedModel(Uint8Array.from([0x3a, 0x05, 0x01]))).toThrow(/past the end/);
  });
});
