import { describe, expect, it } from "vitest";
import { blockingItems, bundlePath, documentPath, fileStem, percent, sizeText, totalBytes } from "./exporting";
import type { ChecklistItem } from "./api";

const day = new Date(2026, 10, 22); // 22 November 2026, local time

describe("paths", () => {
  it("names a bundle after the applicant, vendor and day", () => {
    expect(bundlePath("/home/li/Documents/qualkit", "厦门市海沧区云帆网络科技有限公司", "huawei", day)).toBe(
      "/home/li/Documents/qualkit/厦门市海沧区云帆网络科技有限公司-huawei-20261122.zip",
    );
    expect(bundlePath("/out/", "云帆", "aliyun", day, false)).toBe("/out/云帆-aliyun-20261122");
  });
  it("keeps a name from escaping the folder", () => {
    expect(fileStem("../../etc/passwd")).toBe("etcpasswd");
    expect(fileStem("a/b\\c:d")).toBe("abcd");
    expect(fileStem("  ")).toBe("case");
    expect(fileStem("云帆 网络")).toBe("云帆-网络");
  });
  it("names documents in Chinese, by vendor", () => {
    expect(documentPath("/d", "云帆", "authorization-letter", "aliyun")).toBe("/d/云帆-aliyun-授权委托书.pdf");
    expect(documentPath("/d", "云帆", "review-report", null)).toBe("/d/云帆-审核报告.pdf");
  });
});

describe("progress and sizes", () => {
  it("turns steps into a percentage", () => {
    const what = { zh: "", en: "" };
    expect(percent(null)).toBe(0);
    expect(percent({ done: 3, total: 12, what })).toBe(25);
    expect(percent({ done: 12, total: 12, what })).toBe(100);
    expect(percent({ done: 1, total: 0, what })).toBe(0);
  });
  it("prints sizes", () => {
    expect(sizeText(512)).toBe("512 B");
    expect(sizeText(26_339)).toBe("26 KB");
    expect(sizeText(1_363_148)).toBe("1.3 MB");
    expect(totalBytes([{ path: "a", bytes: 2, sha256: "" }, { path: "b", bytes: 3, sha256: "" }])).toBe(5);
  });
});

describe("blockingItems", () => {
  it("keeps what is missing or invalid", () => {
    const item = (status: ChecklistItem["status"]): ChecklistItem => ({
      item: status,
      status,
      label: { zh: "", en: "" },
      why: { zh: "", en: "" },
      source: "",
    });
    expect(blockingItems(["ok", "missing", "warn", "invalid"].map((s) => item(s as ChecklistItem["status"]))).map((i) => i.item)).toEqual([
      "missing",
      "invalid",
    ]);
  });
});
