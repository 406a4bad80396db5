/**
 * The dashboard's colours can be told apart: every pair of series in a
 * chart differs visibly (CIEDE2000 ΔE) for ordinary vision and as readers
 * with each common colour-vision deficiency see them (simulated with
 * culori's Machado et al. filters, full severity).
 */
import {
  type Color,
  differenceCiede2000,
  filterDeficiencyDeuter,
  filterDeficiencyProt,
  filterDeficiencyTrit,
  parse,
} from "culori";
import { describe, expect, it } from "vitest";

import {
  FLOW_SERIES,
  REQUIREMENT_SERIES,
  SEVERITY_SERIES,
} from "@/app/(app)/projects/[key]/dashboard/_components/series";

const difference = differenceCiede2000();
const visions: [string, (c: Color) => Color][] = [
  ["ordinary vision", (c) => c],
  ["deuteranopia", filterDeficiencyDeuter(1)],
  ["protanopia", filterDeficiencyProt(1)],
  ["tritanopia", filterDeficiencyTrit(1)],
];
/** Clearly different side by side in a legend and in adjacent bands (2.3 is "just noticeable"). */
const MIN_DELTA_E = 10;

function closestPair(colors: { label: string; color: string }[], see: (c: Color) => Color) {
  let closest = { delta: Number.POSITIVE_INFINITY, pair: "" };
  for (let i = 0; i < colors.length; i++) {
    for (let j = i + 1; j < colors.length; j++) {
      const a = see(parse(colors[i]!.color) as Color);
      const b = see(parse(colors[j]!.color) as Color);
      const delta = difference(a, b);
      if (delta < closest.delta) closest = { delta, pair: `${colors[i]!.label} / ${colors[j]!.label}` };
    }
  }
  return closest;
}

describe("dashboard colours", () => {
  for (const [chart, series] of [
    ["severity", SEVERITY_SERIES],
    ["requirement status", REQUIREMENT_SERIES],
    ["created / closed", FLOW_SERIES],
  ] as const) {
    for (const [vision, see] of visions) {
      it(`${chart}: every pair differs for ${vision}`, () => {
        const { delta, pair } = closestPair(series, see);
        expect(delta, `${pair} ΔE ${delta.toFixed(1)}`).toBeGreaterThanOrEqual(MIN_DELTA_E);
      });
    }
  }

  it("the old medium and high were too close to tell apart (the check can fail)", () => {
    const old = [
      { label: "Medium", color: "#f59e0b" },
      { label: "High", color: "#f97316" },
    ];
    expect(closestPair(old, filterDeficiencyDeuter(1)).delta).toBeLessThan(MIN_DELTA_E);
  });
});
