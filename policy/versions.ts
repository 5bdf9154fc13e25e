/**
 * End of standard support per engine version, as data with its source. Past that date AWS moves the resource
 * to paid extended support (EKS: $0.60 instead of $0.10 per cluster hour; RDS: a per-vCPU-hour surcharge) and
 * finally force-upgrades it. Add a row when AWS publishes a new version; a missing row is reported, not passed.
 */

export interface SupportWindow {
  /** Last day of standard support (ISO date). */
  endOfStandardSupport: string;
  /** Last day of extended support (ISO date); after it AWS upgrades the resource itself. */
  endOfExtendedSupport: string;
}

export const EKS_VERSIONS_SOURCE = {
  source: "Amazon EKS Kubernetes release calendar, https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html (as tabulated by https://endoflife.date/amazon-eks)",
  date: "2026-02-13",
};

/** Amazon EKS Kubernetes minor versions: standard support is 14 months from the EKS release, extended 12 more. */
export const EKS_VERSIONS: Record<string, SupportWindow> = {
  "1.28": { endOfStandardSupport: "2024-11-26", endOfExtendedSupport: "2025-11-26" },
  "1.29": { endOfStandardSupport: "2025-03-23", endOfExtendedSupport: "2026-03-23" },
  "1.30": { endOfStandardSupport: "2025-07-23", endOfExtendedSupport: "2026-07-23" },
  "1.31": { endOfStandardSupport: "2025-11-26", endOfExtendedSupport: "2026-11-26" },
  "1.32": { endOfStandardSupport: "2026-03-23", endOfExtendedSupport: "2027-03-23" },
  "1.33": { endOfStandardSupport: "2026-07-29", endOfExtendedSupport: "2027-07-29" },
  "1.34": { endOfStandardSupport: "2026-12-02", endOfExtendedSupport: "2027-12-02" },
  "1.35": { endOfStandardSupport: "2027-03-27", endOfExtendedSupport: "2028-03-27" },
};

export const POSTGRES_VERSIONS_SOURCE = {
  source: "Release calendar for Amazon RDS for PostgreSQL, https://docs.aws.amazon.com/AmazonRDS/latest/PostgreSQLReleaseNotes/postgresql-release-calendar.html (RDS end of standard support; RDS Extended Support runs 3 years past it)",
  date: "2026-01",
};

/** RDS for PostgreSQL major versions. */
export const POSTGRES_VERSIONS: Record<string, SupportWindow> = {
  "11": { endOfStandardSupport: "2024-02-29", endOfExtendedSupport: "2027-03-31" },
  "12": { endOfStandardSupport: "2025-02-28", endOfExtendedSupport: "2028-02-29" },
  "13": { endOfStandardSupport: "2026-02-28", endOfExtendedSupport: "2029-02-28" },
  "14": { endOfStandardSupport: "2027-02-28", endOfExtendedSupport: "2030-02-28" },
  "15": { endOfStandardSupport: "2028-02-29", endOfExtendedSupport: "2031-02-28" },
  "16": { endOfStandardSupport: "2029-02-28", endOfExtendedSupport: "2032-02-29" },
  "17": { endOfStandardSupport: "2030-02-28", endOfExtendedSupport: "2033-02-28" },
};

/** The major of a PostgreSQL engine version ("16", "16.4" -> "16"; "9.6.22" -> "9.6"). */
export function postgresMajor(version: string): string {
  const parts = version.split(".");
  return Number(parts[0]) < 10 ? parts.slice(0, 2).join(".") : parts[0];
}

/** Where a version stands on a date: supported, past standard support (with the date), or unknown to the table. */
export function supportStatus(table: Record<string, SupportWindow>, version: string, asOf: string): { status: "standard" | "extended" | "ended" | "unknown"; window?: SupportWindow } {
  const window = table[version];
  if (!window) return { status: "unknown" };
  if (asOf <= window.endOfStandardSupport) return { status: "standard", window };
  return { status: asOf <= window.endOfExtendedSupport ? "extended" : "ended", window };
}
