// The WebAssembly (SIMD) dense kernels behind the Gaussian-process surrogate's O(n^3) steps: the
// Cholesky factor, the inverse of a factor and the inverse of the factored matrix. The module is
// compiled from packages/core/assembly/dense-kernels.ts and embedded (base64) so it loads
// synchronously in any runtime with WebAssembly SIMD; where that is missing, `denseKernels()` is
// null and callers use their plain TypeScript loops (same algorithms, same results to rounding).

import { DENSE_KERNELS_WASM_BASE64 } from "./dense-kernels-wasm.generated.js";

// The part of the WebAssembly JavaScript API used here, typed locally so that the module compiles
// under every tsconfig of the repository (with or without the DOM library).
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  validate(bytes: Uint8Array<ArrayBuffer>): boolean;
  Module: new (bytes: Uint8Array<ArrayBuffer>) => object;
  Instance: new (module: object, imports: Record<string, Record<string, unknown>>) => { readonly exports: unknown };
}

interface KernelExports {
  readonly memory: WasmMemory;
  cholesky(a: number, l: number, n: number): number;
  lowerInverseTransposed(l: number, mt: number, n: number): void;
  gramUpper(mt: number, inv: number, n: number): void;
  forwardSolveRows(l: number, b: number, n: number, m: number): void;
}

/**
 * The kernels, on row-major n x n Float64Arrays (inputs are copied in, results copied out). A
 * factor returned by `cholesky` is kept inside the module and reused when the same array is passed
 * back, so factors must be treated as immutable (every caller in mvx does).
 */
export interface DenseKernels {
  /** The lower Cholesky factor of the symmetric positive-definite A (lower triangle read), or null if a pivot is not positive. */
  cholesky(A: Float64Array, n: number): Float64Array | null;
  /** (L L^T)^{-1}, symmetric, from the lower factor L. */
  choleskyInverse(L: Float64Array, n: number): Float64Array;
  /** X (m x n) with L x_r = b_r for every row b_r of B (m x n): m triangular solves at once. */
  solveLowerRows(L: Float64Array, n: number, B: Float64Array, m: number): Float64Array;
}

const PAGE = 65536;
// Matrices start after the first page (the module keeps no data of its own there, but the
// compiler may place statics at low addresses in future versions).
const BASE = PAGE;

function decodeBase64(s: string): Uint8Array<ArrayBuffer> {
  const bin = atob(s);
  const out = new Uint8Array(new ArrayBuffer(bin.length));
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

function instantiate(): KernelExports | null {
  const wasm = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  if (!wasm) return null;
  try {
    const bytes = decodeBase64(DENSE_KERNELS_WASM_BASE64);
    if (!wasm.validate(bytes)) return null; // no SIMD in this runtime
    const instance = new wasm.Instance(new wasm.Module(bytes), {
      env: {
        abort: () => {
          throw new Error("dense kernel aborted");
        },
      },
    });
    return instance.exports as unknown as KernelExports;
  } catch {
    return null;
  }
}

let loaded: DenseKernels | null | undefined;

function wrap(k: KernelExports): DenseKernels {
  const reserve = (matrices: number, n: number, extra = 0): void => {
    const need = BASE + matrices * n * n * 8 + extra;
    const have = k.memory.buffer.byteLength;
    if (need > have) k.memory.grow(Math.ceil((need - have) / PAGE));
  };
  const view = (offset: number, n: number, rows = n) => new Float64Array(k.memory.buffer, offset, rows * n);
  // Three n x n slots; the factor of the last `cholesky` stays in slot 1 (`resident`), so the
  // inverse and the solves that usually follow it need not copy it back in.
  const slot = (i: number, n: number) => BASE + i * n * n * 8;
  let resident: { L: Float64Array; n: number } | null = null;
  const placeFactor = (L: Float64Array, n: number): number => {
    if (!resident || resident.L !== L || resident.n !== n) {
      view(slot(1, n), n).set(L.subarray(0, n * n));
      resident = { L, n };
    }
    return slot(1, n);
  };
  return {
    cholesky(A, n) {
      if (n === 0) return new Float64Array(0);
      reserve(3, n);
      resident = null;
      view(slot(0, n), n).set(A.subarray(0, n * n));
      if (k.cholesky(slot(0, n), slot(1, n), n) !== 1) return null;
      const L = view(slot(1, n), n).slice();
      resident = { L, n };
      return L;
    },
    choleskyInverse(L, n) {
      if (n === 0) return new Float64Array(0);
      reserve(3, n);
      const l = placeFactor(L, n);
      k.lowerInverseTransposed(l, slot(2, n), n);
      k.gramUpper(slot(2, n), slot(0, n), n);
      return view(slot(0, n), n).slice();
    },
    solveLowerRows(L, n, B, m) {
      if (n === 0 || m === 0) return new Float64Array(0);
      reserve(2, n, m * n * 8);
      const l = placeFactor(L, n);
      const b = slot(2, n);
      view(b, n, m).set(B.subarray(0, m * n));
      k.forwardSolveRows(l, b, n, m);
      return view(b, n, m).slice();
    },
  };
}

/** The WebAssembly kernels, or null where the runtime cannot run them (no WebAssembly SIMD). */
export function denseKernels(): DenseKernels | null {
  if (loaded === undefined) {
    const k = instantiate();
    loaded = k ? wrap(k) : null;
  }
  return loaded;
}
