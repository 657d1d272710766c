import { describe, expect, it } from "vitest";
import type { Finding } from "./api";
import { countBySeverity, highlight, sortFindings } from "./findings";

const f = (rule: string, severity: Finding["severity"]): Finding => ({
  rule,
  severity,
  message: { zh: rule, en: rule },
  fix: { zh: "", en: "" },
  source: "",
});

describe("findings", () => {
  it("puts blocking findings first and keeps order within a severity", () => {
    const sorted = sortFindings([f("a", "info"), f("b", "block"), f("c", "warn"), f("d", "block")]);
    expect(sorted.map((x) => x.rule)).toEqual(["b", "d", "c", "a"]);
  });

  it("counts by severity", () => {
    expect(countBySeverity([f("a", "warn"), f("b", "warn"), f("c", "info")])).toEqual({ block: 0, warn: 2, info: 1 });
  });

  it("highlights by characters, not UTF-16 units", () => {
    expect(highlight("领😀红包", [2, 4])).toEqual(["领😀", "红包", ""]);
    expect(highlight("abc", [2, 9])).toBeNull();
    expect(highlight("abc")).toBeNull();
  });
});
