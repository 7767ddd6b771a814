// Admins: every booking, filtered by state, with complete and cancel (see BookingList).
import { BookingList } from "../shared/BookingList";

export function BookingsOverview() {
  return <BookingList title="All bookings" admin />;
}
