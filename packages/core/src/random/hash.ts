// Versioned assignment hashing: hash(seed, unit, version) -> [0, 1). A version, once published,
// never changes; a new scheme is a new version (as GrowthBook keeps hash v1 beside v2).

import { murmur3 } from "./murmur3.js";
import { InvalidArgumentError } from "../errors.js";

/** Hash versions that exist. Version 1 is the current default. */
export const HASH_VERSIONS = [1] as const;
export type HashVersion = (typeof HASH_VERSIONS)[number];
export const CURRENT_HASH_VERSION: HashVersion = 1;

const TWO_POW_21 = 2 ** 21;
const TWO_POW_53 = 2 ** 53;

/**
 * Maps (seed, unit) to a number in [0, 1) with 53 bits of resolution.
 * v1: two MurmurHash3_x86_32 passes over "<seed>\u001f<unit>" with seeds 0 and 0x9747b28c,
 * joined as 32 + 21 bits.
 */
export function hashToUnit(seed: string, unitId: string, version: number = CURRENT_HASH_VERSION): number {
  switch (version) {
    case 1: {
      const key = `${seed}\u001f${unitId}`;
      const hi = murmur3(key, 0);
      const lo = murmur3(key, 0x9747b28c) >>> 11;
      return (hi * TWO_POW_21 + lo) / TWO_POW_53;
    }
    default:
      throw new InvalidArgumentError(`unknown hash version ${version}; known versions: ${HASH_VERSIONS.join(", ")}`);
  }
}
