// Formatting for display: enum values as words, money, dates and ratings.
import type { Money, MoneyRange } from "./sdk";

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

/** 25000 USD minor units -> "$250.00" (the browser's locale rules; ISO codes for unknown currencies). */
export function money(m: Money | undefined): string {
  if (!m || !m.currencyCode) return "—";
  const major = Number(m.amountMinor) / 100;
  try {
    return new Intl.NumberFormat("en-US", { style: "currency", currency: m.currencyCode }).format(major);
  } catch {
    return `${major.toFixed(2)} ${m.currencyCode}`;
  }
}

/** A budget range: "$200.00 – $800.00", or one amount when both ends match. */
export function moneyRange(r: MoneyRange | undefined): string {
  if (!r) return "—";
  const low = money(r.min), high = money(r.max);
  return low === high ? low : `${low} – ${high}`;
}

/** A parsed major-unit amount ("250", "250.5") in minor units, or undefined when not a number. */
export function toMinor(text: string): bigint | undefined {
  const t = text.trim();
  if (!/^\d+(\.\d{1,2})?$/.test(t)) return undefined;
  const [whole, cents = ""] = t.split(".");
  return BigInt(whole!) * 100n + BigInt((cents + "00").slice(0, 2));
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
