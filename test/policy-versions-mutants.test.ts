/**
 * policy/versions.ts: the support tables are data copied from AWS's calendars, so the tests hold them to what
 * those calendars promise (ISO dates, EKS extended support exactly 12 months after standard, RDS's 3 years,
 * later versions end later) plus a few rows checked by hand; supportStatus at its exact boundaries.
 */
import { describe, expect, it } from "vitest";
import { EKS_VERSIONS, EKS_VERSIONS_SOURCE, POSTGRES_VERSIONS, POSTGRES_VERSIONS_SOURCE, postgresMajor, supportStatus, type SupportWindow } from "../policy/versions";

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const isDate = (d: string) => ISO_DATE.test(d) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d);
const plusYears = (d: string, years: number) => `${Number(d.slice(0, 4)) + years}${d.slice(4, 7)}`;

function checkTable(table: Record<string, SupportWindow>): void {
  let previous: SupportWindow | undefined;
  for (const [version, w] of Object.entries(table)) {
    expect(Object.keys(w).sort(), version).toEqual(["endOfExtendedSupport", "endOfStandardSupport"]);
    expect(isDate(w.endOfStandardSupport), `${version} standard ${w.endOfStandardSupport}`).toBe(true);
    expect(isDate(w.endOfExtendedSupport), `${version} extended ${w.endOfExtendedSupport}`).toBe(true);
    expect(w.endOfExtendedSupport > w.endOfStandardSupport, version).toBe(true);
    if (previous) expect(w.endOfStandardSupport > previous.endOfStandardSupport, version).toBe(true);
    previous = w;
  }
}

describe("the EKS table", () => {
  it("lists 1.28 to 1.35, each with valid dates, later minors ending later", () => {
    expect(Object.keys(EKS_VERSIONS)).toEqual(["1.28", "1.29", "1.30", "1.31", "1.32", "1.33", "1.34", "1.35"]);
    checkTable(EKS_VERSIONS);
  });
  it("extended support ends 12 months after standard support, on the same day of the month", () => {
    for (const [v, w] of Object.entries(EKS_VERSIONS)) expect(w.endOfExtendedSupport, v).toBe(`${plusYears(w.endOfStandardSupport, 1)}${w.endOfStandardSupport.slice(7)}`);
  });
  it("rows checked by hand against the EKS calendar", () => {
    expect(EKS_VERSIONS["1.33"]).toEqual({ endOfStandardSupport: "2026-07-29", endOfExtendedSupport: "2027-07-29" });
    expect(EKS_VERSIONS["1.28"].endOfStandardSupport).toBe("2024-11-26");
  });
  it("names its source page and the date it was read", () => {
    expect(EKS_VERSIONS_SOURCE.source).toContain("https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html");
    expect(EKS_VERSIONS_SOURCE.date).toBe("2026-02-13");
  });
});

describe("the RDS for PostgreSQL table", () => {
  it("lists majors 11 to 17, each with valid dates, later majors ending later", () => {
    expect(Object.keys(POSTGRES_VERSIONS)).toEqual(["11", "12", "13", "14", "15", "16", "17"]);
    checkTable(POSTGRES_VERSIONS);
  });
  it("RDS Extended Support runs 3 years past standard support (ending in the same month, or the next for 11)", () => {
    for (const [v, w] of Object.entries(POSTGRES_VERSIONS)) {
      const threeYears = plusYears(w.endOfStandardSupport, 3);
      expect([threeYears, v === "11" ? "2027-03" : threeYears], v).toContain(w.endOfExtendedSupport.slice(0, 7));
    }
    expect(POSTGRES_VERSIONS["11"].endOfExtendedSupport).toBe("2027-03-31");
  });
  it("rows checked by hand against the RDS release calendar", () => {
    expect(POSTGRES_VERSIONS["16"]).toEqual({ endOfStandardSupport: "2029-02-28", endOfExtendedSupport: "2032-02-29" });
    expect(POSTGRES_VERSIONS["13"].endOfStandardSupport).toBe("2026-02-28");
  });
  it("names its source page and the month it was read", () => {
    expect(POSTGRES_VERSIONS_SOURCE.source).toContain("https://docs.aws.amazon.com/AmazonRDS/latest/PostgreSQLReleaseNotes/postgresql-release-calendar.html");
    expect(POSTGRES_VERSIONS_SOURCE.date).toBe("2026-01");
  });
});

describe("postgresMajor", () => {
  it("is the first number from 10 on, the first two before", () => {
    expect(postgresMajor("16")).toBe("16");
    expect(postgresMajor("16.4")).toBe("16");
    expect(postgresMajor("10.21")).toBe("10");
    expect(postgresMajor("9.6.22")).toBe("9.6");
    expect(postgresMajor("9.6")).toBe("9.6");
  });
});

describe("supportStatus at its boundaries", () => {
  const table = { "1.33": { endOfStandardSupport: "2026-07-29", endOfExtendedSupport: "2027-07-29" } };
  const window = table["1.33"];
  it("standard up to and including the last day of standard support", () => {
    expect(supportStatus(table, "1.33", "2026-01-01")).toEqual({ status: "standard", window });
    expect(supportStatus(table, "1.33", "2026-07-29")).toEqual({ status: "standard", window });
  });
  it("extended from the next day up to and including the last day of extended support", () => {
    expect(supportStatus(table, "1.33", "2026-07-30")).toEqual({ status: "extended", window });
    expect(supportStatus(table, "1.33", "2027-07-29")).toEqual({ status: "extended", window });
  });
  it("ended after that; unknown for a version the table does not list", () => {
    expect(supportStatus(table, "1.33", "2027-07-30")).toEqual({ status: "ended", window });
    expect(supportStatus(table, "1.34", "2026-01-01")).toEqual({ status: "unknown" });
  });
});
