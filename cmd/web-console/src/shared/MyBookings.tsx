// Buyers and sellers: their own bookings (see BookingList).
import { BookingList } from "./BookingList";

export function MyBookings() {
  return <BookingList title="My bookings" admin={false} />;
}
