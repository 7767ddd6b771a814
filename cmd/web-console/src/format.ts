// Formatting for display: enum values as words, money, dates and ratings.
import type { MoneyRange } from "./sdk";

/** A Money message, or any amount in minor units of a currency (a ledger entry's). */
export interface MoneyLike {
  readonly currencyCode: string;
  readonly amountMinor: bigint;
}

/** "PENDING_REVIEW" -> "Pending review". */
export function words(enumName: string | undefined): string {
  if (!enumName) return "—";
  const text = enumName.toLowerCase().replace(/_/g, " ");
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The name of a protobuf-es enum value as words, e.g. label(JobState, 1) -> "Pending review". */
export function label(enumObject: Record<number, string>, value: number): string {
  return words(enumObject[value]);
}

/** How many minor digits a currency has (USD 2, JPY 0, BHD 3), from the browser's ISO 4217 data; 2 when unknown. */
export function minorDigits(currencyCode: string): number {
  try {
    return new Intl.NumberFormat("en-US", { style: "currency", currency: currencyCode }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

/** 25000 USD minor units -> "$250.00" (the browser's locale rules; ISO codes for unknown currencies). */
export function money(m: MoneyLike | undefined): string {
  if (!m || !m.currencyCode) return "—";
  const digits = minorDigits(m.currencyCode);
  const major = Number(m.amountMinor) / 10 ** digits;
  try {
    return new Intl.NumberFormat("en-US", { style: "currency", currency: m.currencyCode }).format(major);
  } catch {
    return `${major.toFixed(digits)} ${m.currencyCode}`;
  }
}

/** Amounts in several currencies ("$12.00, €3.00"), or "—" for none. */
export function moneyList(list: readonly MoneyLike[]): string {
  return list.length ? list.map(money).join(", ") : "—";
}

/** A budget range: "$200.00 – $800.00", or one amount when both ends match. */
export function moneyRange(r: MoneyRange | undefined): string {
  if (!r) return "—";
  const low = money(r.min), high = money(r.max);
  return low === high ? low : `${low} – ${high}`;
}

/**
 * A typed major-unit amount ("250", "250.5") in minor units of a currency with `digits`
 * minor digits (2 by default), or undefined when it is not such a number. Exact: no floats.
 */
export function toMinor(text: string, digits = 2): bigint | undefined {
  const t = text.trim();
  const pattern = digits > 0 ? new RegExp(`^\\d+(\\.\\d{1,${digits}})?$`) : /^\d+$/;
  if (!pattern.test(t)) return undefined;
  const [whole, fraction = ""] = t.split(".");
  const scale = 10n ** BigInt(digits);
  return BigInt(whole!) * scale + (digits > 0 ? BigInt((fraction + "0".repeat(digits)).slice(0, digits)) : 0n);
}

interface TimestampLike {
  readonly seconds: bigint;
  readonly nanos: number;
}

/** A protobuf Timestamp as a Date (undefined when unset). */
export function toDate(t: TimestampLike | undefined): Date | undefined {
  if (!t || (t.seconds === 0n && t.nanos === 0)) return undefined;
  return new Date(Number(t.seconds) * 1000 + Math.floor(t.nanos / 1e6));
}

/** A Date as a protobuf Timestamp init. */
export function toTimestamp(d: Date): { seconds: bigint; nanos: number } {
  const ms = d.getTime();
  return { seconds: BigInt(Math.floor(ms / 1000)), nanos: (ms % 1000) * 1e6 };
}

/** "3 Dec 2026, 14:05" (or "—"). */
export function dateTime(t: TimestampLike | undefined): string {
  const d = toDate(t);
  return d ? d.toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "short" }) : "—";
}

/** "3 Dec 2026" (or "—"). */
export function date(t: TimestampLike | undefined): string {
  const d = toDate(t);
  return d ? d.toLocaleDateString("en-GB", { dateStyle: "medium" }) : "—";
}

/** 4500 thousandths and 12 reviews -> "4.5 ★ (12 reviews)"; "No reviews yet" without any. */
export function rating(milli: number, count: number): string {
  if (count === 0) return "No reviews yet";
  return `${(milli / 1000).toFixed(1)} ★ (${count} review${count === 1 ? "" : "s"})`;
}

/** A file's size: "512 B", "1.5 KiB", "10.0 MiB". */
export function fileSize(bytes: bigint | number): string {
  const n = Number(bytes);
  if (n < 1024) return `${n} B`;
  const units = ["KiB", "MiB", "GiB"];
  let value = n / 1024;
  let unit = 0;
  for (; value >= 1024 && unit < units.length - 1; unit++) value /= 1024;
  return `${value.toFixed(1)} ${units[unit]}`;
}

/** "45%" of `done` out of `total` (100% for an empty total). */
export function percent(done: number, total: number): string {
  return `${total > 0 ? Math.floor((done * 100) / total) : 100}%`;
}
