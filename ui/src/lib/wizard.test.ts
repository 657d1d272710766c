import { describe, expect, it } from "vitest";
import { draftOf, emptyCase, nextStep, previousStep, roleFromFileName, STEPS, todoOf } from "./wizard";

describe("wizard steps", () => {
  it("go in the issue's order and stop at the ends", () => {
    expect(STEPS[0]).toBe("applicant");
    expect(nextStep("applicant")).toBe("vendors");
    expect(nextStep("templates")).toBe("review");
    expect(nextStep("export")).toBeNull();
    expect(previousStep("applicant")).toBeNull();
    expect(previousStep("documents")).toBe("review");
  });

  it("count what a step still needs from the guide", () => {
    const steps = [{ step: "materials" as const, todo: 3, items: [], findings: [] }];
    expect(todoOf(steps, "materials")).toBe(3);
    expect(todoOf(steps, "signature")).toBe(0);
  });
});

describe("draftOf", () => {
  it("gives every section an input without touching the case", () => {
    const data = emptyCase("individual");
    const draft = draftOf(data);
    draft.applicant.name = "张三";
    draft.signature.name = "张三的网站";
    expect(data.applicant.name).toBe("");
    expect(data.signature).toBeUndefined();
    expect(draft.landing.kind).toBe("website");
    expect(draft.signature.use).toBe("self");
  });

  it("keeps what the case already declares", () => {
    const draft = draftOf({ ...emptyCase("enterprise"), signature: { name: "云帆网络", source: "trademark", use: "third-party", owner: "某公司" } });
    expect(draft.signature).toEqual({ name: "云帆网络", source: "trademark", use: "third-party", owner: "某公司" });
  });
});

describe("roleFromFileName", () => {
  it("reads common Chinese and English names", () => {
    expect(roleFromFileName("/home/a/营业执照.png", "other")).toBe("business-license");
    expect(roleFromFileName("C:\\scans\\经办人身份证国徽面.jpg", "other")).toBe("handler-id-back");
    expect(roleFromFileName("经办人身份证人像面.jpg", "other")).toBe("handler-id-front");
    expect(roleFromFileName("handheld-id.jpg", "other")).toBe("handler-id-handheld");
    expect(roleFromFileName("法人身份证-背面.jpg", "other")).toBe("legal-rep-id-back");
    expect(roleFromFileName("商标注册证.pdf", "other")).toBe("trademark-certificate");
    expect(roleFromFileName("ICP备案截图.png", "other")).toBe("icp-record");
    expect(roleFromFileName("授权委托书-盖章.jpg", "other")).toBe("authorization-letter");
  });

  it("falls back to the chosen role when the name says nothing", () => {
    expect(roleFromFileName("IMG_2041.jpg", "business-license")).toBe("business-license");
  });
});
