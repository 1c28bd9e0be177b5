// Compact binary storage of a network graph (a BLOB in the control plane's database): node ids as
// length-prefixed UTF-8, the upper triangle of the CSR adjacency as per-node counts and
// delta-encoded LEB128 varints, and the weights in the smallest lossless form (none when all are
// 1, a palette of <= 256 distinct values, float32 when exact, else float64) or, on request, lossy
// float32 / 16-bit fixed point. A 10K-node, 75K-edge graph with arbitrary float64 weights takes
// ~0.8 MB. Node attributes are not encoded (they are stored as JSON beside it).
//
// Layout (little-endian): "MVXG", u8 version (1), u8 weight mode, varint n, varint m,
// n x (varint len, utf8), n x varint upper-degree, m x varint neighbour delta (first delta from
// the node itself, so always >= 1), weight section.

import { InvalidArgumentError } from "../errors.js";
import { assembleGraph } from "./compressed-sparse-rows.js";
import type { NetworkGraph } from "./types.js";

const MAGIC = [0x4d, 0x56, 0x58, 0x47]; // "MVXG"
const VERSION = 1;
const MODE_ONES = 0;
const MODE_PALETTE = 1;
const MODE_F32 = 2;
const MODE_F64 = 3;
const MODE_U16 = 4;

/** "auto" is lossless; "f32" and "u16" trade precision (about 1e-7 and 1.5e-5) for size. */
export type WeightEncoding = "auto" | "f64" | "f32" | "u16";

class ByteWriter {
  buf: Uint8Array;
  view: DataView;
  len = 0;
  constructor(capacity: number) {
    this.buf = new Uint8Array(Math.max(64, capacity));
    this.view = new DataView(this.buf.buffer);
  }
  ensure(extra: number): void {
    if (this.len + extra <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.len + extra) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }
  byte(b: number): void {
    this.ensure(1);
    this.buf[this.len++] = b;
  }
  varint(v: number): void {
    this.ensure(5);
    while (v >= 0x80) {
      this.buf[this.len++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    this.buf[this.len++] = v;
  }
  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
  }
  f64(x: number): void {
    this.ensure(8);
    this.view.setFloat64(this.len, x, true);
    this.len += 8;
  }
  f32(x: number): void {
    this.ensure(4);
    this.view.setFloat32(this.len, x, true);
    this.len += 4;
  }
  u16(x: number): void {
    this.ensure(2);
    this.view.setUint16(this.len, x, true);
    this.len += 2;
  }
}

class ByteReader {
  pos = 0;
  readonly view: DataView;
  constructor(readonly buf: Uint8Array) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }
  need(k: number): void {
    if (this.pos + k > this.buf.length) throw corrupt("truncated");
  }
  byte(): number {
    this.need(1);
    return this.buf[this.pos++]!;
  }
  varint(): number {
    let v = 0;
    let shift = 0;
    for (;;) {
      const b = this.byte();
      v += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return v;
      shift += 7;
      if (shift > 35) throw corrupt("varint too long");
    }
  }
  bytes(k: number): Uint8Array {
    this.need(k);
    const out = this.buf.subarray(this.pos, this.pos + k);
    this.pos += k;
    return out;
  }
  f64(): number {
    this.need(8);
    const x = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return x;
  }
  f32(): number {
    this.need(4);
    const x = this.view.getFloat32(this.pos, true);
    this.pos += 4;
    return x;
  }
  u16(): number {
    this.need(2);
    const x = this.view.getUint16(this.pos, true);
    this.pos += 2;
    return x;
  }
}

function corrupt(why: string): InvalidArgumentError {
  return new InvalidArgumentError(`not a valid encoded network graph: ${why}`, "graph");
}

/** The upper-triangle weights in storage order (row i ascending, neighbours j > i ascending). */
function upperWeights(graph: NetworkGraph): Float64Array {
  const out = new Float64Array(graph.edgeCount);
  let k = 0;
  for (let i = 0; i < graph.nodeCount; i++) {
    for (let p = graph.offsets[i]!; p < graph.offsets[i + 1]!; p++) if (graph.neighbors[p]! > i) out[k++] = graph.weights[p]!;
  }
  return out;
}

/** Encodes the graph's ids, adjacency and weights into a compact byte array (see the layout above). */
export function encodeNetworkGraph(graph: NetworkGraph, options: { weights?: WeightEncoding } = {}): Uint8Array {
  const encoding = options.weights ?? "auto";
  const n = graph.nodeCount;
  const m = graph.edgeCount;
  const w = upperWeights(graph);
  let mode: number;
  let palette: number[] = [];
  if (encoding === "f64") mode = MODE_F64;
  else if (encoding === "f32") mode = MODE_F32;
  else if (encoding === "u16") mode = MODE_U16;
  else if (encoding === "auto") {
    const distinct = new Map<number, number>();
    let f32Exact = true;
    for (let k = 0; k < m; k++) {
      const x = w[k]!;
      if (distinct.size <= 256 && !distinct.has(x)) distinct.set(x, distinct.size);
      if (f32Exact && Math.fround(x) !== x) f32Exact = false;
    }
    if (m === 0 || (distinct.size === 1 && distinct.has(1))) mode = MODE_ONES;
    else if (distinct.size <= 256) {
      mode = MODE_PALETTE;
      palette = [...distinct.keys()];
    } else mode = f32Exact ? MODE_F32 : MODE_F64;
  } else throw new InvalidArgumentError(`weights encoding must be auto, f64, f32 or u16, got ${String(encoding)}`, "weights");

  const out = new ByteWriter(16 + n * 8 + m * 11);
  for (const b of MAGIC) out.byte(b);
  out.byte(VERSION);
  out.byte(mode);
  out.varint(n);
  out.varint(m);
  const enc = new TextEncoder();
  for (const id of graph.nodeIds) {
    const b = enc.encode(id);
    out.varint(b.length);
    out.bytes(b);
  }
  const { offsets, neighbors } = graph;
  for (let i = 0; i < n; i++) {
    let up = 0;
    for (let p = offsets[i]!; p < offsets[i + 1]!; p++) if (neighbors[p]! > i) up++;
    out.varint(up);
  }
  for (let i = 0; i < n; i++) {
    let prev = i;
    for (let p = offsets[i]!; p < offsets[i + 1]!; p++) {
      const j = neighbors[p]!;
      if (j > i) {
        out.varint(j - prev);
        prev = j;
      }
    }
  }
  if (mode === MODE_PALETTE) {
    const index = new Map(palette.map((x, k) => [x, k]));
    out.varint(palette.length);
    for (const x of palette) out.f64(x);
    out.ensure(m);
    for (let k = 0; k < m; k++) out.buf[out.len++] = index.get(w[k]!)!;
  } else if (mode === MODE_F32) for (let k = 0; k < m; k++) out.f32(w[k]!);
  else if (mode === MODE_F64) for (let k = 0; k < m; k++) out.f64(w[k]!);
  else if (mode === MODE_U16) for (let k = 0; k < m; k++) out.u16(Math.max(1, Math.round(w[k]! * 65535))); // never 0: the edge exists
  return out.buf.slice(0, out.len);
}

/** Decodes encodeNetworkGraph's bytes back into a NetworkGraph (without node attributes). */
export function decodeNetworkGraph(bytes: Uint8Array): NetworkGraph {
  const r = new ByteReader(bytes);
  for (const b of MAGIC) if (r.byte() !== b) throw corrupt("bad magic");
  const version = r.byte();
  if (version !== VERSION) throw corrupt(`unsupported version ${version}`);
  const mode = r.byte();
  const n = r.varint();
  const m = r.varint();
  if (n > bytes.length || m > bytes.length) throw corrupt("counts exceed the data");
  const dec = new TextDecoder("utf-8", { fatal: true });
  const nodeIds: string[] = new Array(n);
  const nodeIndex = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const id = dec.decode(r.bytes(r.varint()));
    if (nodeIndex.has(id)) throw corrupt(`duplicate node id '${id}'`);
    nodeIds[i] = id;
    nodeIndex.set(id, i);
  }
  const up = new Int32Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    up[i] = r.varint();
    total += up[i]!;
  }
  if (total !== m) throw corrupt("edge counts disagree");
  const src = new Int32Array(m);
  const dst = new Int32Array(m);
  let k = 0;
  for (let i = 0; i < n; i++) {
    let prev = i;
    for (let q = 0; q < up[i]!; q++) {
      const d = r.varint();
      prev += d;
      if (d < 1 || prev >= n) throw corrupt("neighbour out of range");
      src[k] = i;
      dst[k] = prev;
      k++;
    }
  }
  const w = new Float64Array(m);
  if (mode === MODE_ONES) w.fill(1);
  else if (mode === MODE_PALETTE) {
    const P = r.varint();
    if (P > 256) throw corrupt("palette too large");
    const palette = Array.from({ length: P }, () => r.f64());
    const idx = r.bytes(m);
    for (let e = 0; e < m; e++) {
      const x = palette[idx[e]!];
      if (x === undefined) throw corrupt("palette index out of range");
      w[e] = x;
    }
  } else if (mode === MODE_F32) for (let e = 0; e < m; e++) w[e] = r.f32();
  else if (mode === MODE_F64) for (let e = 0; e < m; e++) w[e] = r.f64();
  else if (mode === MODE_U16) for (let e = 0; e < m; e++) w[e] = r.u16() / 65535;
  else throw corrupt(`unknown weight mode ${mode}`);
  if (r.pos !== bytes.length) throw corrupt("trailing bytes");
  for (let e = 0; e < m; e++) if (!(w[e]! >= 0 && w[e]! <= 1)) throw corrupt("weight outside [0, 1]");
  const graph = assembleGraph(nodeIds, nodeIndex, new Array(n).fill(undefined), src, dst, w, { duplicates: "reject" });
  const { buildReport: _unused, ...rest } = graph;
  return rest;
}
