import { fields, lenField, strings, text, varintField, type Field } from './protobuf-wire.js';

/**
 * Rewrites a BERT-family ONNX export (as exported from Hugging Face) so that
 * one row of a batch can hold several sequences, back to back.
 *
 * The export takes `attention_mask` [batch, seq], turns it into an additive
 * bias over keys, and adds it to every layer's attention scores; positions
 * are a slice of 0..seq. Neither can keep two sequences in one row apart.
 * The rewritten graph takes that bias itself, as `attention_bias`
 * [batch, 1, seq, seq] (0 where a query may see a key, a large negative
 * number where not), and `position_ids` [batch, seq], so each sequence sees
 * only itself and counts its positions from 0. The weights are untouched.
 *
 * Why: a micro-batch of short texts padded to its longest wastes a quarter of
 * the model's work on padding, and a batch's cost is nearly all per token.
 */

export const PackedInput = { Bias: 'attention_bias', Positions: 'position_ids' } as const;

/** ONNX field numbers used here (onnx.proto). */
const Model = { Graph: 7 } as const;
const Graph = { Node: 1, Initializer: 5, Input: 11, Output: 12, ValueInfo: 13 } as const;
const Node = { Input: 1, Output: 2, OpType: 4 } as const;
const ValueInfo = { Name: 1, Type: 2 } as const;
const Tensor = { Name: 8 } as const;
const ElemType = { Float: 1, Int64: 7 } as const;

interface GraphNode {
  readonly field: Field;
  /** The node's own fields, parsed once. */
  readonly parts: readonly Field[];
  readonly inputs: string[];
  readonly outputs: string[];
  readonly op: string;
}

/** The ops between `attention_mask` and the bias the layers add. */
const MASK_OPS = new Set(['Unsqueeze', 'Cast', 'Sub', 'Mul']);

/**
 * The packed form of an ONNX model, or undefined when its graph is not the
 * shape described above (the caller then pads rows instead).
 */
export function packedModel(model: Uint8Array): Uint8Array | undefined {
  const top = fields(model);
  const graph = top.find((f) => f.no === Model.Graph);
  const rewritten = graph && packedGraph(graph.body);
  if (!rewritten) return undefined;
  return Buffer.concat(top.map((f) => (f === graph ? lenField(Model.Graph, rewritten) : f.raw)));
}

function packedGraph(body: Uint8Array): Uint8Array | undefined {
  const graph = fields(body);
  const nodes = graph.filter((f) => f.no === Graph.Node).map(parseNode);
  const inputs = graph.filter((f) => f.no === Graph.Input).map((f) => fields(f.body));
  if (!inputs.some((i) => strings(i, ValueInfo.Name)[0] === 'attention_mask')) return undefined;
  const mask = maskBias(nodes);
  const positions = positionIndices(nodes);
  if (!mask || !positions) return undefined;

  const rename = new Map([
    [mask, PackedInput.Bias],
    [positions, PackedInput.Positions],
  ]);
  const outputs = graph.filter((f) => f.no === Graph.Output).map((f) => strings(fields(f.body), ValueInfo.Name)[0]);
  const live = liveNodes(
    nodes.map((n) => ({ ...n, inputs: n.inputs.map((i) => rename.get(i) ?? i) })),
    outputs,
  );
  const used = new Set(live.flatMap((n) => n.inputs));
  const produced = new Set(live.flatMap((n) => n.outputs));

  const keep = (f: Field): Uint8Array[] => {
    if (f.no === Graph.Node) return [];
    if (f.no === Graph.Input) return used.has(nameOf(f, ValueInfo.Name)) ? [f.raw] : [];
    if (f.no === Graph.Initializer) return used.has(nameOf(f, Tensor.Name)) ? [f.raw] : [];
    if (f.no === Graph.ValueInfo) return produced.has(nameOf(f, ValueInfo.Name)) ? [f.raw] : [];
    return [f.raw];
  };
  return Buffer.concat([
    ...live.map((n) => encodeNode(n, rename)),
    ...graph.flatMap(keep),
    lenField(
      Graph.Input,
      valueInfo(PackedInput.Bias, ElemType.Float, ['batch_size', 1, 'sequence_length', 'sequence_length']),
    ),
    lenField(Graph.Input, valueInfo(PackedInput.Positions, ElemType.Int64, ['batch_size', 'sequence_length'])),
  ]);
}

function parseNode(field: Field): GraphNode {
  const parts = fields(field.body);
  return {
    field,
    parts,
    inputs: strings(parts, Node.Input),
    outputs: strings(parts, Node.Output),
    op: strings(parts, Node.OpType)[0] ?? '',
  };
}

function nameOf(field: Field, nameField: number): string {
  return strings(fields(field.body), nameField)[0] ?? '';
}

/** Follows attention_mask through its one-consumer chain to the bias every layer adds. */
function maskBias(nodes: readonly GraphNode[]): string | undefined {
  let tensor = 'attention_mask';
  for (;;) {
    const consumers = nodes.filter((n) => n.inputs.includes(tensor));
    const next = consumers[0];
    if (consumers.length === 1 && next && MASK_OPS.has(next.op) && next.outputs.length === 1) {
      tensor = next.outputs[0] as string;
      continue;
    }
    const addedToScores = consumers.length > 0 && consumers.every((n) => n.op === 'Add');
    return addedToScores && tensor !== 'attention_mask' ? tensor : undefined;
  }
}

/** The computed indices into the position-embedding table. */
function positionIndices(nodes: readonly GraphNode[]): string | undefined {
  const lookup = nodes.find((n) => n.op === 'Gather' && n.inputs[0]?.endsWith('position_embeddings.weight'));
  const indices = lookup?.inputs[1];
  return indices && nodes.some((n) => n.outputs.includes(indices)) ? indices : undefined;
}

/** The nodes the graph's outputs depend on, in their original order. */
function liveNodes(nodes: readonly GraphNode[], outputs: readonly (string | undefined)[]): GraphNode[] {
  const needed = new Set(outputs);
  const live: GraphNode[] = [];
  for (const node of [...nodes].reverse()) {
    if (!node.outputs.some((o) => needed.has(o))) continue;
    live.push(node);
    node.inputs.forEach((i) => needed.add(i));
  }
  return live.reverse();
}

function encodeNode(node: GraphNode, rename: ReadonlyMap<string, string>): Uint8Array {
  const renamed = (f: Field) => (f.no === Node.Input ? rename.get(text(f)) : undefined);
  if (!node.parts.some(renamed)) return node.field.raw;
  const parts = node.parts.map((f) => {
    const name = renamed(f);
    return name === undefined ? f.raw : lenField(Node.Input, name);
  });
  return lenField(Graph.Node, Buffer.concat(parts));
}

/** ValueInfoProto for a tensor input: TypeProto.tensor_type { elem_type, shape { dim... } }. */
function valueInfo(name: string, elemType: number, dims: readonly (string | number)[]): Uint8Array {
  const shape = Buffer.concat(dims.map((d) => lenField(1, typeof d === 'string' ? lenField(2, d) : varintField(1, d))));
  const tensorType = Buffer.concat([varintField(1, elemType), lenField(2, shape)]);
  return Buffer.concat([lenField(ValueInfo.Name, name), lenField(ValueInfo.Type, lenField(1, tensorType))]);
}
