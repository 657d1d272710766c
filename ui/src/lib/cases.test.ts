import { describe, expect, it } from "vitest";
import type { CaseOverview } from "./api";
import { filterCases, readinessSummary, shortened } from "./cases";

const base: CaseOverview = {
  id: "ab12cd34",
  applicant_kind: "enterprise",
  applicant_name: "厦门市海沧区云帆网络科技有限公司",
  vendors: ["aliyun", "tencent"],
  material_count: 2,
  updated_at: "2026-11-22T00:00:00Z",
  ready: { aliyun: true, tencent: false },
};
const other: CaseOverview = { ...base, id: "zz99yy88", applicant_name: "北京某某科技有限公司", ready: {} };

describe("filterCases", () => {
  it("keeps everything for an empty query", () => {
    expect(filterCases([base, other], "  ")).toEqual([base, other]);
  });
  it("matches Chinese names and ids, every term", () => {
    expect(filterCases([base, other], "云帆")).toEqual([base]);
    expect(filterCases([base, other], "ZZ99")).toEqual([other]);
    expect(filterCases([base, other], "科技 北京")).toEqual([other]);
    expect(filterCases([base, other], "科技 上海")).toEqual([]);
  });
});

describe("readinessSummary", () => {
  it("counts ready vendors", () => {
    expect(readinessSummary(base)).toEqual({ ready: 1, total: 2 });
    expect(readinessSummary(other)).toEqual({ ready: 0, total: 0 });
  });
});

describe("shortened", () => {
  it("leaves a name within the limit whole", () => {
    expect(shortened("厦门市海沧区云帆网络科技有限公司")).toBe("厦门市海沧区云帆网络科技有限公司");
  });
  it("cuts a long name to the limit, ending in an ellipsis", () => {
    const long = "长".repeat(200);
    const cut = shortened(long, 60);
    expect(Array.from(cut).length).toBe(60);
    expect(cut.endsWith("…")).toBe(true);
  });
});
