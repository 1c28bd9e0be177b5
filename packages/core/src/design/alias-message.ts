// Wording of the error raised when a requested interaction is not clear, e.g.
// "interaction A:B is aliased with main effect D (D = AB)". Variables are named by their own
// names; when those differ from the letters used in an equation, a legend follows.

import { factorLetter } from "./factor-names.js";
import type { AliasFinding } from "./effect-space.js";

function termName(names: readonly string[], factors: readonly number[]): string {
  return factors.map((f) => names[f]!).join(":");
}

/** The alias of an interaction with another term, with a detail (an equation, or the degrees of freedom shared). */
export function aliasMessage(names: readonly string[], interaction: readonly number[], other: readonly number[], detail: string, equation = false): string {
  const what = other.length === 1 ? `main effect ${names[other[0]!]}` : `interaction ${termName(names, other)}`;
  let legend = "";
  if (equation) {
    const used = [...new Set([...interaction, ...other])].sort((a, b) => a - b);
    if (used.some((f) => names[f] !== factorLetter(f))) legend = `; ${used.map((f) => `${factorLetter(f)} = ${names[f]}`).join(", ")}`;
  }
  return `interaction ${termName(names, interaction)} is aliased with ${what} (${detail}${legend})`;
}

/** Message for an alias found from the effect spaces (any design). */
export function spaceAliasMessage(names: readonly string[], finding: AliasFinding): string {
  const t = termName(names, finding.interaction);
  if (finding.other.length === 0) {
    return `interaction ${t} cannot be estimated: only ${finding.interactionDf - finding.shared} of its ${finding.interactionDf} degrees of freedom are in the design`;
  }
  const s = finding.shared;
  const whole = Math.abs(s - Math.round(s)) < 1e-6;
  let detail: string;
  if (whole && Math.round(s) === finding.interactionDf && Math.round(s) === finding.otherDf) detail = "completely";
  else if (whole) detail = `they share ${Math.round(s)} of its ${finding.interactionDf} degrees of freedom`;
  else detail = `partially: they share ${s.toFixed(2)} degrees of freedom, the effects are correlated`;
  return aliasMessage(names, finding.interaction, finding.other, detail);
}
