// Runs the shared kernel contract (kernel-contract.case.ts) for every kernel in the registry.

import { getKernel, KERNEL_NAMES } from "../../src/bayesopt/index.js";
import { runKernelContract } from "./kernel-contract.case.js";

for (const name of KERNEL_NAMES) runKernelContract(getKernel(name));
