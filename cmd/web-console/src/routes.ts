// The console's screens by hash route, and which roles see each in the navigation.
import type { FunctionComponent } from "preact";
import { AuditLog } from "./admin/AuditLog";
import { BookingsOverview } from "./admin/BookingsOverview";
import { DisputeDetail } from "./admin/DisputeDetail";
import { DisputeQueue } from "./admin/DisputeQueue";
import { GigQueue } from "./admin/GigQueue";
import { Ledger } from "./admin/Ledger";
import { OpenJobs } from "./admin/OpenJobs";
import { PaymentQueue } from "./admin/PaymentQueue";
import { PayoutQueue } from "./admin/PayoutQueue";
import { ReviewQueue } from "./admin/ReviewQueue";
import { JobDetail } from "./buyer/JobDetail";
import { MyJobs } from "./buyer/MyJobs";
import { PostJob } from "./buyer/PostJob";
import { BookingDetail } from "./shared/BookingDetail";
import { ConversationView } from "./shared/ConversationView";
import { Conversations } from "./shared/Conversations";
import { MyBookings } from "./shared/MyBookings";
import { MyReviews } from "./shared/MyReviews";
import { Earnings } from "./seller/Earnings";
import { Offers } from "./seller/Offers";
import { Role } from "./sdk";

/** One screen: `path` is the hash route ("#/jobs"); `param` routes take one id after it. */
export interface Route {
  readonly path: string;
  readonly label: string;
  readonly roles: readonly Role[];
  readonly screen: FunctionComponent<{ readonly param: string }>;
  /** Shown in the navigation (routes with a parameter are reached from lists). */
  readonly inNav: boolean;
}

export const ROUTES: readonly Route[] = [
  { path: "/admin/review", label: "Review queue", roles: [Role.ADMIN], screen: ReviewQueue, inNav: true },
  { path: "/admin/jobs", label: "Open jobs", roles: [Role.ADMIN], screen: OpenJobs, inNav: true },
  { path: "/admin/gigs", label: "Gig approvals", roles: [Role.ADMIN], screen: GigQueue, inNav: true },
  { path: "/admin/bookings", label: "All bookings", roles: [Role.ADMIN], screen: BookingsOverview, inNav: true },
  { path: "/admin/payments", label: "Payments", roles: [Role.ADMIN], screen: PaymentQueue, inNav: true },
  { path: "/admin/disputes", label: "Disputes", roles: [Role.ADMIN], screen: DisputeQueue, inNav: true },
  { path: "/admin/dispute", label: "Dispute", roles: [Role.ADMIN], screen: DisputeDetail, inNav: false },
  { path: "/admin/payouts", label: "Payouts", roles: [Role.ADMIN], screen: PayoutQueue, inNav: true },
  { path: "/admin/ledger", label: "Ledger", roles: [Role.ADMIN], screen: Ledger, inNav: true },
  { path: "/admin/audit", label: "Audit log", roles: [Role.ADMIN], screen: AuditLog, inNav: true },
  { path: "/offers", label: "Offers", roles: [Role.SELLER], screen: Offers, inNav: true },
  { path: "/jobs", label: "My jobs", roles: [Role.BUYER], screen: MyJobs, inNav: true },
  { path: "/post", label: "Post a job", roles: [Role.BUYER], screen: PostJob, inNav: true },
  { path: "/job", label: "Job", roles: [Role.BUYER], screen: JobDetail, inNav: false },
  { path: "/bookings", label: "My bookings", roles: [Role.BUYER, Role.SELLER], screen: MyBookings, inNav: true },
  { path: "/booking", label: "Booking", roles: [Role.BUYER, Role.SELLER, Role.ADMIN], screen: BookingDetail, inNav: false },
  { path: "/earnings", label: "Earnings", roles: [Role.SELLER], screen: Earnings, inNav: true },
  { path: "/reviews", label: "Reviews", roles: [Role.BUYER, Role.SELLER], screen: MyReviews, inNav: true },
  { path: "/messages", label: "Messages", roles: [Role.BUYER, Role.SELLER, Role.ADMIN], screen: Conversations, inNav: true },
  { path: "/conversation", label: "Conversation", roles: [Role.BUYER, Role.SELLER, Role.ADMIN], screen: ConversationView, inNav: false },
];

/** The routes a user with these roles may open. */
export function routesFor(roles: readonly Role[]): Route[] {
  return ROUTES.filter((r) => r.roles.some((role) => roles.includes(role)));
}

/** Splits "#/job/job_123" into the route path "/job" and the parameter "job_123". */
export function parseHash(hash: string): { path: string; param: string } {
  const parts = hash.replace(/^#/, "").split("/").filter(Boolean);
  if (parts[0] === "admin") return { path: `/admin/${parts[1] ?? ""}`, param: parts.slice(2).join("/") };
  return { path: `/${parts[0] ?? ""}`, param: decodeURIComponent(parts.slice(1).join("/")) };
}
