// mvx dense linear-algebra kernels, compiled to WebAssembly with 128-bit SIMD (AssemblyScript).
// The O(n^3) parts of a Gaussian-process likelihood evaluation: the Cholesky factorisation, the
// inverse of the factor and the Gram product that gives the inverse of the matrix. Matrices are
// row-major n x n arrays of f64 at byte offsets into the exported memory, which the caller owns
// and lays out. Every inner loop runs over contiguous memory in pairs of doubles, and each loop
// computes several dot products at once (4 rows x 2 columns) so each loaded pair is used more
// than once (register blocking, as in Goto & van de Geijn 2008, "Anatomy of high-performance
// matrix multiplication"). Generated into src/linalg/dense-kernels-wasm.generated.ts by
// `npm run build:wasm`; a test rebuilds it and compares.

@inline function hsum(v: v128): f64 {
  return f64x2.extract_lane(v, 0) + f64x2.extract_lane(v, 1);
}

@inline function at(base: usize, rs: usize, i: i32, j: i32): usize {
  return base + <usize>i * rs + (<usize>j << 3);
}

// s = sum_{k = from}^{to - 1} x[k] y[k] for two rows at byte offsets x, y.
function dot(x: usize, y: usize, from: i32, to: i32): f64 {
  let acc0 = f64x2.splat(0);
  let acc1 = f64x2.splat(0);
  let k = from;
  for (; k + 3 < to; k += 4) {
    const o: usize = <usize>k << 3;
    acc0 = f64x2.add(acc0, f64x2.mul(v128.load(x + o), v128.load(y + o)));
    acc1 = f64x2.add(acc1, f64x2.mul(v128.load(x + o + 16), v128.load(y + o + 16)));
  }
  let s = hsum(f64x2.add(acc0, acc1));
  for (; k < to; k++) {
    const o: usize = <usize>k << 3;
    s += load<f64>(x + o) * load<f64>(y + o);
  }
  return s;
}

// Scratch results of the 4 x 2 block of dot products (rows x0..x3 against rows ya, yb).
let s0a: f64 = 0, s1a: f64 = 0, s2a: f64 = 0, s3a: f64 = 0;
let s0b: f64 = 0, s1b: f64 = 0, s2b: f64 = 0, s3b: f64 = 0;

// The eight dot products x_r . y_c over k in [from, to), r = 0..3, c = a, b.
function block42(x0: usize, x1: usize, x2: usize, x3: usize, ya: usize, yb: usize, from: i32, to: i32): void {
  let a0 = f64x2.splat(0), a1 = f64x2.splat(0), a2 = f64x2.splat(0), a3 = f64x2.splat(0);
  let b0 = f64x2.splat(0), b1 = f64x2.splat(0), b2 = f64x2.splat(0), b3 = f64x2.splat(0);
  let k = from;
  for (; k + 1 < to; k += 2) {
    const o: usize = <usize>k << 3;
    const va = v128.load(ya + o);
    const vb = v128.load(yb + o);
    const v0 = v128.load(x0 + o);
    const v1 = v128.load(x1 + o);
    const v2 = v128.load(x2 + o);
    const v3 = v128.load(x3 + o);
    a0 = f64x2.add(a0, f64x2.mul(v0, va));
    a1 = f64x2.add(a1, f64x2.mul(v1, va));
    a2 = f64x2.add(a2, f64x2.mul(v2, va));
    a3 = f64x2.add(a3, f64x2.mul(v3, va));
    b0 = f64x2.add(b0, f64x2.mul(v0, vb));
    b1 = f64x2.add(b1, f64x2.mul(v1, vb));
    b2 = f64x2.add(b2, f64x2.mul(v2, vb));
    b3 = f64x2.add(b3, f64x2.mul(v3, vb));
  }
  s0a = hsum(a0); s1a = hsum(a1); s2a = hsum(a2); s3a = hsum(a3);
  s0b = hsum(b0); s1b = hsum(b1); s2b = hsum(b2); s3b = hsum(b3);
  if (k < to) {
    const o: usize = <usize>k << 3;
    const va = load<f64>(ya + o);
    const vb = load<f64>(yb + o);
    const v0 = load<f64>(x0 + o), v1 = load<f64>(x1 + o), v2 = load<f64>(x2 + o), v3 = load<f64>(x3 + o);
    s0a += v0 * va; s1a += v1 * va; s2a += v2 * va; s3a += v3 * va;
    s0b += v0 * vb; s1b += v1 * vb; s2b += v2 * vb; s3b += v3 * vb;
  }
}

// One row of the Cholesky-Banachiewicz recursion, columns from..i. False if the pivot is not positive.
function cholRowTail(a: usize, l: usize, rs: usize, i: i32, from: i32): bool {
  const ri = l + <usize>i * rs;
  for (let j = from; j <= i; j++) {
    const rj = l + <usize>j * rs;
    const s = load<f64>(at(a, rs, i, j)) - dot(ri, rj, 0, j);
    if (i == j) {
      if (!(s > 0) || !isFinite(s)) return false;
      store<f64>(ri + (<usize>i << 3), Math.sqrt(s));
    } else {
      store<f64>(ri + (<usize>j << 3), s / load<f64>(rj + (<usize>j << 3)));
    }
  }
  return true;
}

// L[r][j] and L[r][j+1] for one row r of a 4-row block, from the two dot products sa, sb.
@inline function cholPair(a: usize, l: usize, rs: usize, r: i32, j: i32, sa: f64, sb: f64, djj: f64, dbb: f64, lbj: f64): void {
  const v = (load<f64>(at(a, rs, r, j)) - sa) / djj;
  store<f64>(at(l, rs, r, j), v);
  store<f64>(at(l, rs, r, j + 1), (load<f64>(at(a, rs, r, j + 1)) - sb - v * lbj) / dbb);
}

/**
 * Cholesky factor L (lower, upper triangle zero) of the symmetric positive-definite A (only its
 * lower triangle is read): Golub & Van Loan, Matrix Computations 4th ed., Alg. 4.2.1, with rows in
 * blocks of four and columns in pairs. Returns 1, or 0 when a pivot is not positive (or not finite).
 */
export function cholesky(a: usize, l: usize, n: i32): i32 {
  const rs: usize = <usize>n << 3;
  memory.fill(l, 0, <usize>n * rs);
  let i0 = 0;
  for (; i0 + 3 < n; i0 += 4) {
    const r0 = l + <usize>i0 * rs;
    let j = 0;
    for (; j + 1 < i0; j += 2) {
      const ra = l + <usize>j * rs;
      const rb = ra + rs;
      block42(r0, r0 + rs, r0 + 2 * rs, r0 + 3 * rs, ra, rb, 0, j);
      const djj = load<f64>(ra + (<usize>j << 3));
      const dbb = load<f64>(rb + (<usize>(j + 1) << 3));
      const lbj = load<f64>(rb + (<usize>j << 3));
      cholPair(a, l, rs, i0, j, s0a, s0b, djj, dbb, lbj);
      cholPair(a, l, rs, i0 + 1, j, s1a, s1b, djj, dbb, lbj);
      cholPair(a, l, rs, i0 + 2, j, s2a, s2b, djj, dbb, lbj);
      cholPair(a, l, rs, i0 + 3, j, s3a, s3b, djj, dbb, lbj);
    }
    for (let i = i0; i < i0 + 4; i++) if (!cholRowTail(a, l, rs, i, j)) return 0;
  }
  for (let i = i0; i < n; i++) if (!cholRowTail(a, l, rs, i, 0)) return 0;
  return 1;
}

/**
 * Mt = (L^{-1})^T, upper triangular, for the lower-triangular L: row j of Mt is column j of
 * L^{-1}, Mt[j][i] = -(sum_{k=j}^{i-1} L[i][k] Mt[j][k]) / L[i][i] (forward substitution on the
 * unit vectors, LAPACK dtrtri's recursion), four rows of Mt at a time.
 */
export function lowerInverseTransposed(l: usize, mt: usize, n: i32): void {
  const rs: usize = <usize>n << 3;
  memory.fill(mt, 0, <usize>n * rs);
  let j0 = 0;
  for (; j0 < n; j0 += 4) {
    const rows = min(4, n - j0);
    // the triangle inside the block, row by row
    for (let a = 0; a < rows; a++) {
      const j = j0 + a;
      const rj = mt + <usize>j * rs;
      store<f64>(rj + (<usize>j << 3), 1 / load<f64>(at(l, rs, j, j)));
      for (let i = j + 1; i < j0 + rows; i++) {
        const ri = l + <usize>i * rs;
        store<f64>(rj + (<usize>i << 3), -dot(ri, rj, j, i) / load<f64>(ri + (<usize>i << 3)));
      }
    }
    if (rows < 4) break;
    const m0 = mt + <usize>j0 * rs;
    const m1 = m0 + rs, m2 = m1 + rs, m3 = m2 + rs;
    // below the block: rows i of L against the four rows of Mt, two rows of L at a time; the
    // second row's sums miss the k = i term, added once Mt[.][i] is known
    let i = j0 + 4;
    for (; i + 1 < n; i += 2) {
      const ri = l + <usize>i * rs;
      const rii = ri + rs;
      block42(m0, m1, m2, m3, ri, rii, j0, i);
      const di = load<f64>(ri + (<usize>i << 3));
      const dii = load<f64>(rii + (<usize>(i + 1) << 3));
      const lii = load<f64>(rii + (<usize>i << 3));
      const oi: usize = <usize>i << 3;
      let v = -s0a / di; store<f64>(m0 + oi, v); store<f64>(m0 + oi + 8, -(s0b + lii * v) / dii);
      v = -s1a / di; store<f64>(m1 + oi, v); store<f64>(m1 + oi + 8, -(s1b + lii * v) / dii);
      v = -s2a / di; store<f64>(m2 + oi, v); store<f64>(m2 + oi + 8, -(s2b + lii * v) / dii);
      v = -s3a / di; store<f64>(m3 + oi, v); store<f64>(m3 + oi + 8, -(s3b + lii * v) / dii);
    }
    if (i < n) {
      const ri = l + <usize>i * rs;
      const di = load<f64>(ri + (<usize>i << 3));
      const oi: usize = <usize>i << 3;
      store<f64>(m0 + oi, -dot(ri, m0, j0, i) / di);
      store<f64>(m1 + oi, -dot(ri, m1, j0, i) / di);
      store<f64>(m2 + oi, -dot(ri, m2, j0, i) / di);
      store<f64>(m3 + oi, -dot(ri, m3, j0, i) / di);
    }
  }
}

/**
 * The symmetric inv = Mt Mt^T for the upper-triangular Mt (both triangles written): with
 * Mt = (L^{-1})^T this is (L L^T)^{-1}, inv[i][j] = sum_{k >= max(i, j)} Mt[i][k] Mt[j][k]
 * (LAPACK dlauum's product), rows in blocks of four against pairs of rows.
 */
export function gramUpper(mt: usize, inv: usize, n: i32): void {
  const rs: usize = <usize>n << 3;
  let i0 = 0;
  for (; i0 + 3 < n; i0 += 4) {
    const r0 = mt + <usize>i0 * rs;
    const r1 = r0 + rs, r2 = r1 + rs, r3 = r2 + rs;
    let j = 0;
    for (; j + 1 < i0; j += 2) {
      // Mt[i][k] = 0 for k < i, so every sum can start at i0
      block42(r0, r1, r2, r3, mt + <usize>j * rs, mt + <usize>(j + 1) * rs, i0, n);
      store<f64>(at(inv, rs, i0, j), s0a); store<f64>(at(inv, rs, i0, j + 1), s0b);
      store<f64>(at(inv, rs, i0 + 1, j), s1a); store<f64>(at(inv, rs, i0 + 1, j + 1), s1b);
      store<f64>(at(inv, rs, i0 + 2, j), s2a); store<f64>(at(inv, rs, i0 + 2, j + 1), s2b);
      store<f64>(at(inv, rs, i0 + 3, j), s3a); store<f64>(at(inv, rs, i0 + 3, j + 1), s3b);
    }
    for (let i = i0; i < i0 + 4; i++) {
      const ri = mt + <usize>i * rs;
      for (let jj = j; jj <= i; jj++) store<f64>(at(inv, rs, i, jj), dot(ri, mt + <usize>jj * rs, i, n));
    }
  }
  for (let i = i0; i < n; i++) {
    const ri = mt + <usize>i * rs;
    for (let jj = 0; jj <= i; jj++) store<f64>(at(inv, rs, i, jj), dot(ri, mt + <usize>jj * rs, i, n));
  }
  // mirror the lower triangle into the upper
  for (let i = 0; i < n; i++) {
    for (let jj = 0; jj < i; jj++) store<f64>(at(inv, rs, jj, i), load<f64>(at(inv, rs, i, jj)));
  }
}

/**
 * Solves L x = b in place for each of the m rows b of B (m x n, row-major): forward
 * substitution x_i = (b_i - sum_{k<i} L[i][k] x_k) / L[i][i], four right-hand sides against two
 * rows of L at a time; the second row's sums miss the k = i term, added once x_i is known.
 */
export function forwardSolveRows(l: usize, b: usize, n: i32, m: i32): void {
  const rs: usize = <usize>n << 3;
  let r0 = 0;
  for (; r0 + 3 < m; r0 += 4) {
    const x0 = b + <usize>r0 * rs;
    const x1 = x0 + rs, x2 = x1 + rs, x3 = x2 + rs;
    let i = 0;
    for (; i + 1 < n; i += 2) {
      const li = l + <usize>i * rs;
      const lii = li + rs;
      block42(x0, x1, x2, x3, li, lii, 0, i);
      const oi: usize = <usize>i << 3;
      const di = load<f64>(li + oi);
      const dii = load<f64>(lii + oi + 8);
      const lo = load<f64>(lii + oi);
      let v = (load<f64>(x0 + oi) - s0a) / di; store<f64>(x0 + oi, v); store<f64>(x0 + oi + 8, (load<f64>(x0 + oi + 8) - s0b - lo * v) / dii);
      v = (load<f64>(x1 + oi) - s1a) / di; store<f64>(x1 + oi, v); store<f64>(x1 + oi + 8, (load<f64>(x1 + oi + 8) - s1b - lo * v) / dii);
      v = (load<f64>(x2 + oi) - s2a) / di; store<f64>(x2 + oi, v); store<f64>(x2 + oi + 8, (load<f64>(x2 + oi + 8) - s2b - lo * v) / dii);
      v = (load<f64>(x3 + oi) - s3a) / di; store<f64>(x3 + oi, v); store<f64>(x3 + oi + 8, (load<f64>(x3 + oi + 8) - s3b - lo * v) / dii);
    }
    if (i < n) {
      const li = l + <usize>i * rs;
      const oi: usize = <usize>i << 3;
      const di = load<f64>(li + oi);
      store<f64>(x0 + oi, (load<f64>(x0 + oi) - dot(li, x0, 0, i)) / di);
      store<f64>(x1 + oi, (load<f64>(x1 + oi) - dot(li, x1, 0, i)) / di);
      store<f64>(x2 + oi, (load<f64>(x2 + oi) - dot(li, x2, 0, i)) / di);
      store<f64>(x3 + oi, (load<f64>(x3 + oi) - dot(li, x3, 0, i)) / di);
    }
  }
  for (; r0 < m; r0++) {
    const x = b + <usize>r0 * rs;
    for (let i = 0; i < n; i++) {
      const li = l + <usize>i * rs;
      const oi: usize = <usize>i << 3;
      store<f64>(x + oi, (load<f64>(x + oi) - dot(li, x, 0, i)) / load<f64>(li + oi));
    }
  }
}
