import { describe, expect, it } from "vitest";
import type { Finding, MaterialView } from "./api";
import { fieldBoxes, uncertainRuns } from "./materials";

const view: MaterialView = {
  id: 7,
  role: "business-license",
  original_name: "licence.png",
  size: 1000,
  mime: "image/png",
  sha256: "x",
  label: { zh: "营业执照", en: "business licence" },
  width: 2000,
  height: 1000,
  reading: {
    kind: "business-license",
    origin: "ocr",
    fields: {
      name: { value: "云帆有限责任公司", confidence: 0.9, bbox: [200, 100, 1000, 50] },
      uscc: { value: "91350205MA2Y0LQ12U", confidence: 0.8, bbox: [200, 200, 800, 50], uncertain: [3] },
      address: { value: "厦门", confidence: 0.5 },
    },
  },
  labels: {
    name: { zh: "名称", en: "name" },
    uscc: { zh: "统一社会信用代码", en: "credit code" },
    address: { zh: "住所", en: "address" },
  },
};

const mismatch = (material_id: number, field: string): Finding => ({
  rule: "match.mismatch",
  severity: "block",
  message: { zh: "", en: "" },
  fix: { zh: "", en: "" },
  source: "",
  material_id,
  field,
});

describe("fieldBoxes", () => {
  it("places boxes as percentages and marks mismatches of this material only", () => {
    const boxes = fieldBoxes(view, [mismatch(7, "name"), mismatch(8, "uscc")]);
    expect(boxes.map((b) => [b.key, b.state])).toEqual([
      ["name", "mismatch"],
      ["uscc", "unsure"],
    ]);
    expect(boxes[0]).toMatchObject({ left: 10, top: 10, width: 50, height: 5 });
  });
  it("has nothing to draw without a reading or a size", () => {
    expect(fieldBoxes({ ...view, reading: null }, [])).toEqual([]);
    expect(fieldBoxes({ ...view, width: null }, [])).toEqual([]);
  });
});

describe("uncertainRuns", () => {
  it("groups characters by certainty, counting Chinese characters as one each", () => {
    expect(uncertainRuns("有限责任公司", [2, 3])).toEqual([
      { text: "有限", unsure: false },
      { text: "责任", unsure: true },
      { text: "公司", unsure: false },
    ]);
    expect(uncertainRuns("abc")).toEqual([{ text: "abc", unsure: false }]);
  });
});
