/** The dashboard's series: what each chart stacks, in order, with its colour. */
import type { SeriesSpec } from "./charts";

// Severity from light to dark as well as from blue to red (Okabe–Ito hues): told apart by lightness alone too,
// as readers with red–green colour blindness must (tests/unit/chart-colors.test.ts).
export const SEVERITY_SERIES: SeriesSpec[] = [
  { key: "LOW", label: "Low", color: "#56b4e9" },
  { key: "MEDIUM", label: "Medium", color: "#e69f00" },
  { key: "HIGH", label: "High", color: "#d55e00" },
  { key: "CRITICAL", label: "Critical", color: "#7f1d1d" },
];
export const FLOW_SERIES: SeriesSpec[] = [
  { key: "created", label: "Created", color: "#6366f1" },
  { key: "closed", label: "Closed", color: "#10b981" },
];
// The Okabe–Ito palette, with lightness steps between neighbours that share a hue family.
export const REQUIREMENT_SERIES: SeriesSpec[] = [
  { key: "DRAFT", label: "Draft", color: "#a1a1aa" },
  { key: "IN_REVIEW", label: "In review", color: "#e69f00" },
  { key: "APPROVED", label: "Approved", color: "#0072b2" },
  { key: "IMPLEMENTED", label: "Implemented", color: "#56b4e9" },
  { key: "VERIFIED", label: "Verified", color: "#009e73" },
  { key: "DEPRECATED", label: "Deprecated", color: "#3f3f46" },
];
export const COVERAGE_SERIES: SeriesSpec[] = [{ key: "coverage", label: "Implemented coverage", color: "#6366f1" }];
export const VELOCITY_SERIES: SeriesSpec[] = [{ key: "versions", label: "Versions written", color: "#8b5cf6" }];
