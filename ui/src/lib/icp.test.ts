import { describe, expect, it } from "vitest";
import { countdown, maskPhone, secondsLeft } from "./icp";

describe("the verification SMS tracker", () => {
  it("masks phone numbers in the list", () => {
    expect(maskPhone("13800000000")).toBe("138****0000");
    expect(maskPhone("1234567")).toBe("*******");
  });
  it("counts down to the 24-hour deadline", () => {
    const sent = Date.parse("2026-11-22T08:00:00Z");
    const deadline = "2026-11-23T08:00:00Z";
    expect(secondsLeft(deadline, sent + 2000)).toBe(24 * 3600 - 2);
    expect(secondsLeft(deadline, sent + 25 * 3600 * 1000)).toBe(0);
    expect(secondsLeft(null, sent)).toBeNull();
    expect(countdown(24 * 3600 - 2)).toBe("23:59:58");
    expect(countdown(61)).toBe("00:01:01");
  });
});
