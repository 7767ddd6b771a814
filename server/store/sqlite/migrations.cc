// Embedded schema and its migration runner; see migrations.h.
//
// Conventions: times are INTEGER microseconds since the Unix epoch; ids are
// TEXT with a type prefix; secrets are stored only as SHA-256 BLOBs.
#include "server/store/sqlite/migrations.h"

#include "SQLiteCpp/Statement.h"
#include "absl/strings/str_cat.h"
#include "server/common/status.h"

namespace gigwire {
namespace {

constexpr char kV1Accounts[] = R"sql(
CREATE TABLE users (
  id            TEXT PRIMARY KEY,
  email         TEXT NOT NULL UNIQUE,
  password_hash TEXT NOT NULL,
  display_name  TEXT NOT NULL,
  bio           TEXT NOT NULL DEFAULT '',
  avatar_url    TEXT NOT NULL DEFAULT '',
  skills        TEXT NOT NULL DEFAULT '',   -- newline-separated
  availability  INTEGER NOT NULL DEFAULT 1,
  roles         INTEGER NOT NULL,           -- bit mask: 1 buyer, 2 seller, 4 admin
  version       INTEGER NOT NULL DEFAULT 1,
  create_time   INTEGER NOT NULL,
  update_time   INTEGER NOT NULL
) STRICT;
CREATE INDEX users_by_create_time ON users (create_time DESC, id DESC);

CREATE TABLE refresh_tokens (
  id          TEXT PRIMARY KEY,
  family_id   TEXT NOT NULL,
  user_id     TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  token_hash  BLOB NOT NULL UNIQUE,
  create_time INTEGER NOT NULL,
  expire_time INTEGER NOT NULL,
  used_time   INTEGER,
  revoke_time INTEGER
) STRICT;
CREATE INDEX refresh_tokens_by_family ON refresh_tokens (family_id);
CREATE INDEX refresh_tokens_by_user ON refresh_tokens (user_id);

CREATE TABLE api_keys (
  id           TEXT PRIMARY KEY,
  display_name TEXT NOT NULL,
  user_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  creator_id   TEXT NOT NULL REFERENCES users (id),
  secret_hash  BLOB NOT NULL UNIQUE,
  create_time  INTEGER NOT NULL,
  revoke_time  INTEGER
) STRICT;
CREATE INDEX api_keys_by_create_time ON api_keys (create_time DESC, id DESC);
CREATE INDEX api_keys_by_user ON api_keys (user_id);
)sql";

constexpr char kV2Marketplace[] = R"sql(
ALTER TABLE users ADD COLUMN rating_sum INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN rating_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN completed_bookings INTEGER NOT NULL DEFAULT 0;

CREATE TABLE categories (
  id           TEXT PRIMARY KEY,
  slug         TEXT NOT NULL UNIQUE,
  display_name TEXT NOT NULL,
  parent_id    TEXT REFERENCES categories (id),
  version      INTEGER NOT NULL,
  create_time  INTEGER NOT NULL
) STRICT;

CREATE TABLE gigs (
  id               TEXT PRIMARY KEY,
  seller_id        TEXT NOT NULL REFERENCES users (id),
  title            TEXT NOT NULL,
  description      TEXT NOT NULL,
  category_id      TEXT NOT NULL REFERENCES categories (id),
  currency_code    TEXT NOT NULL,
  price_minor      INTEGER NOT NULL CHECK (price_minor >= 0),
  delivery_days    INTEGER NOT NULL,
  tags             TEXT NOT NULL DEFAULT '',   -- newline-separated
  state            INTEGER NOT NULL,
  rejection_reason TEXT NOT NULL DEFAULT '',
  version          INTEGER NOT NULL,
  create_time      INTEGER NOT NULL,
  update_time      INTEGER NOT NULL
) STRICT;
CREATE INDEX gigs_by_state ON gigs (state, create_time DESC, id DESC);
CREATE INDEX gigs_by_seller ON gigs (seller_id, state, create_time DESC, id DESC);
CREATE INDEX gigs_by_category ON gigs (category_id, state, create_time DESC, id DESC);
CREATE INDEX gigs_by_price ON gigs (state, price_minor, id);

CREATE TABLE jobs (
  id                   TEXT PRIMARY KEY,
  buyer_id             TEXT NOT NULL REFERENCES users (id),
  title                TEXT NOT NULL,
  description          TEXT NOT NULL,
  category_id          TEXT NOT NULL REFERENCES categories (id),
  skills               TEXT NOT NULL DEFAULT '',
  currency_code        TEXT NOT NULL,
  budget_min_minor     INTEGER NOT NULL CHECK (budget_min_minor >= 0),
  budget_max_minor     INTEGER NOT NULL CHECK (budget_max_minor >= budget_min_minor),
  preferred_start_time INTEGER,
  due_time             INTEGER NOT NULL,
  state                INTEGER NOT NULL,
  rejection_reason     TEXT NOT NULL DEFAULT '',
  cancel_reason        TEXT NOT NULL DEFAULT '',
  booking_id           TEXT NOT NULL DEFAULT '',
  version              INTEGER NOT NULL,
  create_time          INTEGER NOT NULL,
  update_time          INTEGER NOT NULL
) STRICT;
CREATE INDEX jobs_by_create_time ON jobs (create_time DESC, id DESC);
CREATE INDEX jobs_by_state ON jobs (state, create_time DESC, id DESC);
CREATE INDEX jobs_by_buyer ON jobs (buyer_id, create_time DESC, id DESC);

-- Per-buyer job counts by state for dashboards, kept by triggers in the same
-- transaction as every job insert and state change.
CREATE TABLE job_state_counts (
  buyer_id TEXT NOT NULL,
  state    INTEGER NOT NULL,
  count    INTEGER NOT NULL,
  PRIMARY KEY (buyer_id, state)
) STRICT, WITHOUT ROWID;
CREATE TRIGGER jobs_count_insert AFTER INSERT ON jobs BEGIN
  INSERT INTO job_state_counts (buyer_id, state, count) VALUES (NEW.buyer_id, NEW.state, 1)
    ON CONFLICT (buyer_id, state) DO UPDATE SET count = count + 1;
END;
CREATE TRIGGER jobs_count_update AFTER UPDATE OF state ON jobs
WHEN OLD.state != NEW.state BEGIN
  UPDATE job_state_counts SET count = count - 1
    WHERE buyer_id = OLD.buyer_id AND state = OLD.state;
  INSERT INTO job_state_counts (buyer_id, state, count) VALUES (NEW.buyer_id, NEW.state, 1)
    ON CONFLICT (buyer_id, state) DO UPDATE SET count = count + 1;
END;
CREATE INDEX jobs_by_due_time ON jobs (state, due_time);

CREATE TABLE offers (
  id              TEXT PRIMARY KEY,
  job_id          TEXT NOT NULL REFERENCES jobs (id),
  seller_id       TEXT NOT NULL REFERENCES users (id),
  assignment_id   TEXT NOT NULL,
  note            TEXT NOT NULL DEFAULT '',
  state           INTEGER NOT NULL,
  expire_time     INTEGER NOT NULL,
  decline_reason  TEXT NOT NULL DEFAULT '',
  withdraw_reason TEXT NOT NULL DEFAULT '',
  booking_id      TEXT NOT NULL DEFAULT '',
  version         INTEGER NOT NULL,
  create_time     INTEGER NOT NULL,
  update_time     INTEGER NOT NULL,
  UNIQUE (job_id, seller_id)
) STRICT;
CREATE INDEX offers_by_seller ON offers (seller_id, create_time DESC, id DESC);
CREATE INDEX offers_by_job ON offers (job_id, create_time DESC, id DESC);
CREATE INDEX offers_by_expiry ON offers (state, expire_time);

CREATE TABLE assignments (
  id          TEXT PRIMARY KEY,
  job_id      TEXT NOT NULL REFERENCES jobs (id),
  seller_id   TEXT NOT NULL REFERENCES users (id),
  assigner_id TEXT NOT NULL REFERENCES users (id),
  note        TEXT NOT NULL DEFAULT '',
  offer_id    TEXT NOT NULL REFERENCES offers (id),
  create_time INTEGER NOT NULL
) STRICT;
CREATE INDEX assignments_by_job ON assignments (job_id, create_time, id);

CREATE TABLE bookings (
  id              TEXT PRIMARY KEY,
  job_id          TEXT NOT NULL UNIQUE REFERENCES jobs (id),
  offer_id        TEXT NOT NULL UNIQUE REFERENCES offers (id),
  buyer_id        TEXT NOT NULL REFERENCES users (id),
  seller_id       TEXT NOT NULL REFERENCES users (id),
  state           INTEGER NOT NULL,
  delivery_note   TEXT NOT NULL DEFAULT '',
  revision_note   TEXT NOT NULL DEFAULT '',
  revision_count  INTEGER NOT NULL DEFAULT 0,
  cancel_reason   TEXT NOT NULL DEFAULT '',
  buyer_reviewed  INTEGER NOT NULL DEFAULT 0,
  seller_reviewed INTEGER NOT NULL DEFAULT 0,
  version         INTEGER NOT NULL,
  create_time     INTEGER NOT NULL,
  update_time     INTEGER NOT NULL,
  complete_time   INTEGER
) STRICT;
CREATE INDEX bookings_by_create_time ON bookings (create_time DESC, id DESC);
CREATE INDEX bookings_by_state ON bookings (state, create_time DESC, id DESC);
CREATE INDEX bookings_by_buyer ON bookings (buyer_id, create_time DESC, id DESC);
CREATE INDEX bookings_by_seller ON bookings (seller_id, create_time DESC, id DESC);

CREATE TABLE reviews (
  id          TEXT PRIMARY KEY,
  booking_id  TEXT NOT NULL REFERENCES bookings (id),
  author_id   TEXT NOT NULL REFERENCES users (id),
  subject_id  TEXT NOT NULL REFERENCES users (id),
  rating      INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
  text        TEXT NOT NULL DEFAULT '',
  create_time INTEGER NOT NULL,
  UNIQUE (booking_id, author_id)
) STRICT;
CREATE INDEX reviews_by_subject ON reviews (subject_id, create_time DESC, id DESC);

CREATE TABLE audit_log (
  id          TEXT PRIMARY KEY,
  actor_id    TEXT NOT NULL REFERENCES users (id),
  action      TEXT NOT NULL,
  target      TEXT NOT NULL,
  note        TEXT NOT NULL DEFAULT '',
  create_time INTEGER NOT NULL
) STRICT;
CREATE INDEX audit_by_create_time ON audit_log (create_time DESC, id DESC);
CREATE INDEX audit_by_actor ON audit_log (actor_id, create_time DESC, id DESC);

-- Idempotency: the first result of each (caller, method, request_id).
CREATE TABLE request_ids (
  principal_id TEXT NOT NULL,
  method       TEXT NOT NULL,
  request_id   TEXT NOT NULL,
  fingerprint  BLOB NOT NULL,
  resource_id  TEXT NOT NULL,
  create_time  INTEGER NOT NULL,
  PRIMARY KEY (principal_id, method, request_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX request_ids_by_create_time ON request_ids (create_time);
)sql";

// The outbox (see server/model/event.h). AUTOINCREMENT: a sequence is never
// reused, even after retention deleted every event, and sqlite_sequence keeps
// the highest one ever appended. Retention deletes the oldest events by
// sequence (the primary key), so no index on create_time is needed here.
constexpr char kV3Events[] = R"sql(
CREATE TABLE events (
  sequence    INTEGER PRIMARY KEY AUTOINCREMENT,
  type        INTEGER NOT NULL,
  create_time INTEGER NOT NULL,
  actor_id    TEXT NOT NULL,
  resource_id TEXT NOT NULL,
  job_id      TEXT NOT NULL DEFAULT '',
  buyer_id    TEXT NOT NULL DEFAULT '',
  seller_id   TEXT NOT NULL DEFAULT '',
  payload     BLOB NOT NULL
) STRICT;

-- One row: the highest sequence retention has deleted (0: none), so a
-- resume cursor older than what is kept can be told apart from a new one.
CREATE TABLE event_retention (
  id             INTEGER PRIMARY KEY CHECK (id = 1),
  pruned_through INTEGER NOT NULL
) STRICT;
INSERT INTO event_retention (id, pruned_through) VALUES (1, 0);

-- Each user's inbox, newest first by sequence; `read` is 0 or 1.
CREATE TABLE notifications (
  user_id     TEXT NOT NULL,
  sequence    INTEGER NOT NULL,
  type        INTEGER NOT NULL,
  summary     TEXT NOT NULL,
  resource_id TEXT NOT NULL,
  job_id      TEXT NOT NULL DEFAULT '',
  read        INTEGER NOT NULL DEFAULT 0 CHECK (read IN (0, 1)),
  create_time INTEGER NOT NULL,
  PRIMARY KEY (user_id, sequence)
) STRICT, WITHOUT ROWID;
CREATE INDEX notifications_unread ON notifications (user_id, sequence) WHERE read = 0;
CREATE INDEX notifications_by_create_time ON notifications (create_time);
)sql";

// An admin's ListOffers without a seller or job filter (every offer, or
// every offer in a state) walks these newest first instead of sorting the
// table for each page (see sqlite_work_sql_test.cc).
constexpr char kV4OfferListIndexes[] = R"sql(
CREATE INDEX offers_by_create_time ON offers (create_time DESC, id DESC);
CREATE INDEX offers_by_state ON offers (state, create_time DESC, id DESC);
)sql";

// A cancelled booking no longer holds its job (issue 12): the job reopens
// and may be booked again, so a job has at most one booking that is not
// cancelled, instead of one booking for ever. SQLite cannot drop a column's
// UNIQUE constraint, so the table is rebuilt (SQLite's documented procedure:
// new table, copy, drop, rename, indexes; foreign keys checked at the end).
constexpr char kV5RebookableJobs[] = R"sql(
CREATE TABLE bookings_v5 (
  id              TEXT PRIMARY KEY,
  job_id          TEXT NOT NULL REFERENCES jobs (id),
  offer_id        TEXT NOT NULL UNIQUE REFERENCES offers (id),
  buyer_id        TEXT NOT NULL REFERENCES users (id),
  seller_id       TEXT NOT NULL REFERENCES users (id),
  state           INTEGER NOT NULL,
  delivery_note   TEXT NOT NULL DEFAULT '',
  revision_note   TEXT NOT NULL DEFAULT '',
  revision_count  INTEGER NOT NULL DEFAULT 0,
  cancel_reason   TEXT NOT NULL DEFAULT '',
  buyer_reviewed  INTEGER NOT NULL DEFAULT 0,
  seller_reviewed INTEGER NOT NULL DEFAULT 0,
  version         INTEGER NOT NULL,
  create_time     INTEGER NOT NULL,
  update_time     INTEGER NOT NULL,
  complete_time   INTEGER
) STRICT;
INSERT INTO bookings_v5 (id, job_id, offer_id, buyer_id, seller_id, state, delivery_note,
    revision_note, revision_count, cancel_reason, buyer_reviewed, seller_reviewed, version,
    create_time, update_time, complete_time)
  SELECT id, job_id, offer_id, buyer_id, seller_id, state, delivery_note, revision_note,
    revision_count, cancel_reason, buyer_reviewed, seller_reviewed, version, create_time,
    update_time, complete_time FROM bookings;
DROP TABLE bookings;
ALTER TABLE bookings_v5 RENAME TO bookings;
CREATE UNIQUE INDEX bookings_live_by_job ON bookings (job_id) WHERE state != 4;
CREATE INDEX bookings_by_job ON bookings (job_id);
CREATE INDEX bookings_by_create_time ON bookings (create_time DESC, id DESC);
CREATE INDEX bookings_by_state ON bookings (state, create_time DESC, id DESC);
CREATE INDEX bookings_by_buyer ON bookings (buyer_id, create_time DESC, id DESC);
CREATE INDEX bookings_by_seller ON bookings (seller_id, create_time DESC, id DESC);
)sql";

// Version 6: the open market. Jobs get a sourcing mode (1 ASSIGNED, 2 OPEN)
// with bidding times; sellers' proposals with their milestone plans;
// buyers' invitations to bid; portfolios. Bookings are rebuilt so that they
// may come from an offer, a proposal or a gig order (job and offer become
// optional) and carry the agreed price, due time and requirements; existing
// bookings are offer bookings priced at their job's budget maximum.
constexpr char kV6OpenMarket[] = R"sql(
ALTER TABLE jobs ADD COLUMN sourcing_mode INTEGER NOT NULL DEFAULT 1;
ALTER TABLE jobs ADD COLUMN bidding_close_time INTEGER;
ALTER TABLE jobs ADD COLUMN award_deadline_time INTEGER;
CREATE INDEX jobs_open_market ON jobs (sourcing_mode, state, create_time DESC, id DESC);
CREATE INDEX jobs_by_bidding_close ON jobs (state, bidding_close_time) WHERE sourcing_mode = 2;
CREATE INDEX jobs_by_award_deadline ON jobs (state, award_deadline_time) WHERE sourcing_mode = 2;

CREATE TABLE proposals (
  id              TEXT PRIMARY KEY,
  job_id          TEXT NOT NULL REFERENCES jobs (id),
  seller_id       TEXT NOT NULL REFERENCES users (id),
  currency_code   TEXT NOT NULL,
  price_minor     INTEGER NOT NULL CHECK (price_minor > 0),
  delivery_days   INTEGER NOT NULL CHECK (delivery_days > 0),
  cover_letter    TEXT NOT NULL,
  state           INTEGER NOT NULL,
  decline_reason  TEXT NOT NULL DEFAULT '',
  withdraw_reason TEXT NOT NULL DEFAULT '',
  booking_id      TEXT NOT NULL DEFAULT '',
  version         INTEGER NOT NULL,
  create_time     INTEGER NOT NULL,
  update_time     INTEGER NOT NULL
) STRICT;
-- One live (SUBMITTED or SHORTLISTED) proposal per seller and job.
CREATE UNIQUE INDEX proposals_live_by_seller_and_job ON proposals (job_id, seller_id)
  WHERE state IN (1, 2);
CREATE INDEX proposals_by_job ON proposals (job_id, create_time DESC, id DESC);
CREATE INDEX proposals_by_seller ON proposals (seller_id, create_time DESC, id DESC);
CREATE INDEX proposals_live_by_seller ON proposals (seller_id) WHERE state IN (1, 2);

-- The milestone plan of a proposal or of a booking (owner_id), in order.
CREATE TABLE planned_milestones (
  owner_id      TEXT NOT NULL,
  position      INTEGER NOT NULL,
  title         TEXT NOT NULL,
  currency_code TEXT NOT NULL,
  amount_minor  INTEGER NOT NULL CHECK (amount_minor > 0),
  due_in_days   INTEGER NOT NULL,
  PRIMARY KEY (owner_id, position)
) STRICT, WITHOUT ROWID;

CREATE TABLE bid_invitations (
  id          TEXT PRIMARY KEY,
  job_id      TEXT NOT NULL REFERENCES jobs (id),
  seller_id   TEXT NOT NULL REFERENCES users (id),
  buyer_id    TEXT NOT NULL REFERENCES users (id),
  note        TEXT NOT NULL DEFAULT '',
  create_time INTEGER NOT NULL,
  UNIQUE (job_id, seller_id)
) STRICT;
CREATE INDEX bid_invitations_by_seller ON bid_invitations (seller_id, create_time DESC, id DESC);

CREATE TABLE portfolio_items (
  id          TEXT PRIMARY KEY,
  seller_id   TEXT NOT NULL REFERENCES users (id),
  title       TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  link_url    TEXT NOT NULL DEFAULT '',
  image_urls  TEXT NOT NULL DEFAULT '',
  skills      TEXT NOT NULL DEFAULT '',
  booking_id  TEXT NOT NULL DEFAULT '',
  version     INTEGER NOT NULL,
  create_time INTEGER NOT NULL,
  update_time INTEGER NOT NULL
) STRICT;
CREATE INDEX portfolio_items_by_seller ON portfolio_items (seller_id, create_time DESC, id DESC);

CREATE TABLE bookings_v6 (
  id              TEXT PRIMARY KEY,
  source          INTEGER NOT NULL,
  job_id          TEXT REFERENCES jobs (id),
  offer_id        TEXT UNIQUE REFERENCES offers (id),
  proposal_id     TEXT UNIQUE REFERENCES proposals (id),
  gig_id          TEXT REFERENCES gigs (id),
  buyer_id        TEXT NOT NULL REFERENCES users (id),
  seller_id       TEXT NOT NULL REFERENCES users (id),
  title           TEXT NOT NULL,
  currency_code   TEXT NOT NULL,
  price_minor     INTEGER NOT NULL CHECK (price_minor >= 0),
  due_time        INTEGER NOT NULL,
  requirements    TEXT NOT NULL DEFAULT '',
  state           INTEGER NOT NULL,
  delivery_note   TEXT NOT NULL DEFAULT '',
  revision_note   TEXT NOT NULL DEFAULT '',
  revision_count  INTEGER NOT NULL DEFAULT 0,
  cancel_reason   TEXT NOT NULL DEFAULT '',
  buyer_reviewed  INTEGER NOT NULL DEFAULT 0,
  seller_reviewed INTEGER NOT NULL DEFAULT 0,
  version         INTEGER NOT NULL,
  create_time     INTEGER NOT NULL,
  update_time     INTEGER NOT NULL,
  complete_time   INTEGER,
  CHECK ((source = 3) = (job_id IS NULL))
) STRICT;
INSERT INTO bookings_v6 (id, source, job_id, offer_id, proposal_id, gig_id, buyer_id, seller_id,
    title, currency_code, price_minor, due_time, requirements, state, delivery_note,
    revision_note, revision_count, cancel_reason, buyer_reviewed, seller_reviewed, version,
    create_time, update_time, complete_time)
  SELECT b.id, 1, b.job_id, b.offer_id, NULL, NULL, b.buyer_id, b.seller_id, j.title,
    j.currency_code, j.budget_max_minor, j.due_time, '', b.state, b.delivery_note,
    b.revision_note, b.revision_count, b.cancel_reason, b.buyer_reviewed, b.seller_reviewed,
    b.version, b.create_time, b.update_time, b.complete_time
  FROM bookings b JOIN jobs j ON j.id = b.job_id;
DROP TABLE bookings;
ALTER TABLE bookings_v6 RENAME TO bookings;
CREATE UNIQUE INDEX bookings_live_by_job ON bookings (job_id) WHERE state != 4;
CREATE INDEX bookings_by_job ON bookings (job_id);
CREATE INDEX bookings_by_create_time ON bookings (create_time DESC, id DESC);
CREATE INDEX bookings_by_state ON bookings (state, create_time DESC, id DESC);
CREATE INDEX bookings_by_buyer ON bookings (buyer_id, create_time DESC, id DESC);
CREATE INDEX bookings_by_seller ON bookings (seller_id, create_time DESC, id DESC);
)sql";

// v7: the double-entry ledger (issue 15). Transactions in commit order (seq),
// their entries, and each account's balance kept in the same store
// transaction. Append-only: triggers refuse to change or delete a posted
// transaction or entry. No account but the world (kind 1) may hold a negative
// balance; the repository checks it first, the CHECK is the last guard.
constexpr char kV7Ledger[] = R"sql(
CREATE TABLE ledger_transactions (
  seq          INTEGER PRIMARY KEY,
  id           TEXT NOT NULL UNIQUE,
  kind         INTEGER NOT NULL CHECK (kind BETWEEN 1 AND 5),
  booking_id   TEXT NOT NULL DEFAULT '',
  milestone_id TEXT NOT NULL DEFAULT '',
  payout_id    TEXT NOT NULL DEFAULT '',
  fee_bps      INTEGER NOT NULL DEFAULT 0 CHECK (fee_bps BETWEEN 0 AND 10000),
  actor_id     TEXT NOT NULL DEFAULT '',
  create_time  INTEGER NOT NULL
) STRICT;
CREATE INDEX ledger_transactions_by_booking ON ledger_transactions (booking_id, seq)
  WHERE booking_id != '';
CREATE TABLE ledger_entries (
  transaction_seq INTEGER NOT NULL REFERENCES ledger_transactions (seq),
  position        INTEGER NOT NULL,
  account_key     TEXT NOT NULL,
  account_kind    INTEGER NOT NULL CHECK (account_kind BETWEEN 1 AND 4),
  owner_id        TEXT NOT NULL,
  currency_code   TEXT NOT NULL CHECK (length(currency_code) = 3),
  amount_minor    INTEGER NOT NULL CHECK (amount_minor != 0),
  PRIMARY KEY (transaction_seq, position)
) STRICT, WITHOUT ROWID;
CREATE INDEX ledger_entries_by_account ON ledger_entries (account_key, transaction_seq);
CREATE INDEX ledger_entries_by_owner ON ledger_entries (owner_id, transaction_seq)
  WHERE owner_id != '';
CREATE TABLE account_balances (
  account_key   TEXT PRIMARY KEY,
  account_kind  INTEGER NOT NULL CHECK (account_kind BETWEEN 1 AND 4),
  owner_id      TEXT NOT NULL,
  currency_code TEXT NOT NULL,
  balance_minor INTEGER NOT NULL,
  CHECK (account_kind = 1 OR balance_minor >= 0)
) STRICT, WITHOUT ROWID;
CREATE INDEX account_balances_by_owner ON account_balances (owner_id) WHERE owner_id != '';
CREATE TRIGGER ledger_transactions_no_update BEFORE UPDATE ON ledger_transactions
  BEGIN SELECT RAISE(ABORT, 'ledger transactions are append-only'); END;
CREATE TRIGGER ledger_transactions_no_delete BEFORE DELETE ON ledger_transactions
  BEGIN SELECT RAISE(ABORT, 'ledger transactions are append-only'); END;
CREATE TRIGGER ledger_entries_no_update BEFORE UPDATE ON ledger_entries
  BEGIN SELECT RAISE(ABORT, 'ledger entries are append-only'); END;
CREATE TRIGGER ledger_entries_no_delete BEFORE DELETE ON ledger_entries
  BEGIN SELECT RAISE(ABORT, 'ledger entries are append-only'); END;
)sql";

// v8: milestones (issue 15), the unit in which money is funded and released.
// Bookings made before Gigwire moved money get theirs: one per step of their
// milestone plan, or one for the whole price. Completed ones count as released
// (settled outside Gigwire: no ledger entries), cancelled ones as cancelled,
// running ones as pending: they are funded from now on.
constexpr char kV8Milestones[] = R"sql(
CREATE TABLE milestones (
  id                TEXT PRIMARY KEY,
  booking_id        TEXT NOT NULL REFERENCES bookings (id),
  position          INTEGER NOT NULL,
  title             TEXT NOT NULL,
  currency_code     TEXT NOT NULL CHECK (length(currency_code) = 3),
  amount_minor      INTEGER NOT NULL CHECK (amount_minor > 0),
  due_time          INTEGER NOT NULL,
  state             INTEGER NOT NULL CHECK (state BETWEEN 1 AND 9),
  proposed_by       TEXT NOT NULL DEFAULT '',
  submission_note   TEXT NOT NULL DEFAULT '',
  revision_note     TEXT NOT NULL DEFAULT '',
  revision_count    INTEGER NOT NULL DEFAULT 0,
  auto_release_time INTEGER,
  version           INTEGER NOT NULL,
  create_time       INTEGER NOT NULL,
  update_time       INTEGER NOT NULL,
  UNIQUE (booking_id, position)
) STRICT;
CREATE INDEX milestones_due_for_auto_release ON milestones (auto_release_time)
  WHERE state = 4;
INSERT INTO milestones (id, booking_id, position, title, currency_code, amount_minor, due_time,
    state, version, create_time, update_time)
  SELECT 'mst_' || lower(hex(randomblob(10))), b.id, p.position, p.title, p.currency_code,
    p.amount_minor, b.create_time + p.due_in_days * 86400000000,
    CASE b.state WHEN 3 THEN 6 WHEN 4 THEN 7 ELSE 2 END, 1, b.create_time, b.update_time
  FROM bookings b JOIN planned_milestones p ON p.owner_id = b.id;
INSERT INTO milestones (id, booking_id, position, title, currency_code, amount_minor, due_time,
    state, version, create_time, update_time)
  SELECT 'mst_' || lower(hex(randomblob(10))), b.id, 0, b.title, b.currency_code,
    b.price_minor, b.due_time, CASE b.state WHEN 3 THEN 6 WHEN 4 THEN 7 ELSE 2 END, 1,
    b.create_time, b.update_time
  FROM bookings b
  WHERE b.price_minor > 0
    AND NOT EXISTS (SELECT 1 FROM planned_milestones p WHERE p.owner_id = b.id);
)sql";

// v9: money coming in and going out (issue 15). Milestones record their latest
// payment, their dispute, why they were cancelled and the money that left
// their escrow (never more than their amount). Payments of milestones (at most
// one PENDING per milestone), sellers' payouts, disputes over milestones (at
// most one OPEN per milestone) and the disputes' notes. A dispute's parts
// (to_seller, refunded) are NULL until set; they are in the dispute's
// currency. Each list has an index in its order per filter: payments and
// payouts newest first, disputes oldest first.
constexpr char kV9Payments[] = R"sql(
ALTER TABLE milestones ADD COLUMN payment_id TEXT NOT NULL DEFAULT '';
ALTER TABLE milestones ADD COLUMN dispute_id TEXT NOT NULL DEFAULT '';
ALTER TABLE milestones ADD COLUMN cancel_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE milestones ADD COLUMN released_minor INTEGER NOT NULL DEFAULT 0
  CHECK (released_minor >= 0);
ALTER TABLE milestones ADD COLUMN refunded_minor INTEGER NOT NULL DEFAULT 0
  CHECK (refunded_minor >= 0 AND released_minor + refunded_minor <= amount_minor);

CREATE TABLE payments (
  id                TEXT PRIMARY KEY,
  milestone_id      TEXT NOT NULL REFERENCES milestones (id),
  booking_id        TEXT NOT NULL REFERENCES bookings (id),
  buyer_id          TEXT NOT NULL REFERENCES users (id),
  currency_code     TEXT NOT NULL CHECK (currency_code GLOB '[A-Z][A-Z][A-Z]'),
  amount_minor      INTEGER NOT NULL CHECK (amount_minor > 0),
  gateway           TEXT NOT NULL CHECK (gateway != ''),
  provider_id       TEXT NOT NULL DEFAULT '',
  state             INTEGER NOT NULL CHECK (state BETWEEN 1 AND 4),
  client_secret     TEXT NOT NULL DEFAULT '',
  instructions      TEXT NOT NULL DEFAULT '',
  failure_reason    TEXT NOT NULL DEFAULT '',
  confirmed_by      TEXT NOT NULL DEFAULT '',
  confirmation_note TEXT NOT NULL DEFAULT '',
  version           INTEGER NOT NULL,
  create_time       INTEGER NOT NULL,
  update_time       INTEGER NOT NULL
) STRICT;
CREATE UNIQUE INDEX payments_pending_by_milestone ON payments (milestone_id) WHERE state = 1;
CREATE INDEX payments_by_create_time ON payments (create_time DESC, id DESC);
CREATE INDEX payments_by_state ON payments (state, create_time DESC, id DESC);
CREATE INDEX payments_by_buyer ON payments (buyer_id, create_time DESC, id DESC);
CREATE INDEX payments_by_booking ON payments (booking_id, create_time DESC, id DESC);
CREATE INDEX payments_by_milestone ON payments (milestone_id, create_time DESC, id DESC);

CREATE TABLE payouts (
  id            TEXT PRIMARY KEY,
  seller_id     TEXT NOT NULL REFERENCES users (id),
  currency_code TEXT NOT NULL CHECK (currency_code GLOB '[A-Z][A-Z][A-Z]'),
  amount_minor  INTEGER NOT NULL CHECK (amount_minor > 0),
  state         INTEGER NOT NULL CHECK (state BETWEEN 1 AND 3),
  paid_by       TEXT NOT NULL DEFAULT '',
  reference     TEXT NOT NULL DEFAULT '',
  cancel_reason TEXT NOT NULL DEFAULT '',
  version       INTEGER NOT NULL,
  create_time   INTEGER NOT NULL,
  update_time   INTEGER NOT NULL,
  paid_time     INTEGER
) STRICT;
CREATE INDEX payouts_by_create_time ON payouts (create_time DESC, id DESC);
CREATE INDEX payouts_by_state ON payouts (state, create_time DESC, id DESC);
CREATE INDEX payouts_by_seller ON payouts (seller_id, create_time DESC, id DESC);
CREATE INDEX payouts_requested_by_seller ON payouts (seller_id, currency_code) WHERE state = 1;

CREATE TABLE disputes (
  id              TEXT PRIMARY KEY,
  milestone_id    TEXT NOT NULL REFERENCES milestones (id),
  booking_id      TEXT NOT NULL REFERENCES bookings (id),
  buyer_id        TEXT NOT NULL REFERENCES users (id),
  seller_id       TEXT NOT NULL REFERENCES users (id),
  opened_by       TEXT NOT NULL REFERENCES users (id),
  reason          TEXT NOT NULL,
  evidence        TEXT NOT NULL DEFAULT '',
  milestone_title TEXT NOT NULL,
  currency_code   TEXT NOT NULL CHECK (currency_code GLOB '[A-Z][A-Z][A-Z]'),
  amount_minor    INTEGER NOT NULL CHECK (amount_minor > 0),
  state           INTEGER NOT NULL CHECK (state BETWEEN 1 AND 2),
  to_seller_minor INTEGER CHECK (to_seller_minor >= 0),
  refunded_minor  INTEGER CHECK (refunded_minor >= 0),
  resolved_by     TEXT NOT NULL DEFAULT '',
  resolution_note TEXT NOT NULL DEFAULT '',
  version         INTEGER NOT NULL,
  create_time     INTEGER NOT NULL,
  update_time     INTEGER NOT NULL,
  resolve_time    INTEGER
) STRICT;
CREATE UNIQUE INDEX disputes_open_by_milestone ON disputes (milestone_id) WHERE state = 1;
CREATE INDEX disputes_by_create_time ON disputes (create_time, id);
CREATE INDEX disputes_by_state ON disputes (state, create_time, id);
CREATE INDEX disputes_by_booking ON disputes (booking_id, create_time, id);
CREATE INDEX disputes_by_buyer ON disputes (buyer_id, create_time, id);
CREATE INDEX disputes_by_seller ON disputes (seller_id, create_time, id);

CREATE TABLE dispute_notes (
  id          TEXT PRIMARY KEY,
  dispute_id  TEXT NOT NULL REFERENCES disputes (id),
  author_id   TEXT NOT NULL REFERENCES users (id),
  text        TEXT NOT NULL,
  internal    INTEGER NOT NULL CHECK (internal IN (0, 1)),
  create_time INTEGER NOT NULL
) STRICT;
CREATE INDEX dispute_notes_by_dispute ON dispute_notes (dispute_id, create_time, id);
)sql";

// v10: messaging and files (issue 16). A conversation hangs on a job (NULL for
// a gig order) and, once booked, its booking (NULL before): NULL rather than
// '' so that both keep their foreign keys; at most one per job and pair, or
// per booking and pair when there is no job. Messages are numbered 1, 2, ...
// per conversation and clustered by (conversation_id, seq) (WITHOUT ROWID):
// every page and unread count is one range of the primary key. What a file is
// attached to is recorded once, on the file (attached_kind, attached_id and
// its position there), not in a separate message_attachments table: one row
// answers "who may download this" and "may the scheduler remove this", and
// an attachment cannot exist apart from its file's state. attached_id has no
// foreign key: it names a message, booking, milestone, gig or portfolio item.
constexpr char kV10Messaging[] = R"sql(
CREATE TABLE conversations (
  id                 TEXT PRIMARY KEY,
  job_id             TEXT REFERENCES jobs (id),
  booking_id         TEXT REFERENCES bookings (id),
  buyer_id           TEXT NOT NULL REFERENCES users (id),
  seller_id          TEXT NOT NULL REFERENCES users (id),
  last_message_seq   INTEGER NOT NULL DEFAULT 0 CHECK (last_message_seq >= 0),
  last_activity_time INTEGER NOT NULL,
  version            INTEGER NOT NULL,
  create_time        INTEGER NOT NULL,
  update_time        INTEGER NOT NULL,
  CHECK (job_id IS NOT NULL OR booking_id IS NOT NULL),
  CHECK (buyer_id != seller_id)
) STRICT;
CREATE UNIQUE INDEX conversations_by_job ON conversations (job_id, buyer_id, seller_id)
  WHERE job_id IS NOT NULL;
CREATE UNIQUE INDEX conversations_by_booking ON conversations (booking_id, buyer_id, seller_id)
  WHERE job_id IS NULL AND booking_id IS NOT NULL;
CREATE INDEX conversations_by_buyer ON conversations (buyer_id, last_activity_time DESC, id DESC);
CREATE INDEX conversations_by_seller ON conversations (seller_id, last_activity_time DESC, id DESC);

CREATE TABLE conversation_admins (
  conversation_id TEXT NOT NULL REFERENCES conversations (id),
  admin_id        TEXT NOT NULL REFERENCES users (id),
  join_time       INTEGER NOT NULL,
  PRIMARY KEY (conversation_id, admin_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX conversation_admins_by_admin ON conversation_admins (admin_id, conversation_id);

CREATE TABLE messages (
  conversation_id TEXT NOT NULL REFERENCES conversations (id),
  seq             INTEGER NOT NULL CHECK (seq >= 1),
  id              TEXT NOT NULL UNIQUE,
  sender_id       TEXT NOT NULL REFERENCES users (id),
  text            TEXT NOT NULL,
  hidden          INTEGER NOT NULL DEFAULT 0 CHECK (hidden IN (0, 1)),
  hidden_by       TEXT NOT NULL DEFAULT '',
  hidden_reason   TEXT NOT NULL DEFAULT '',
  hide_time       INTEGER,
  create_time     INTEGER NOT NULL,
  PRIMARY KEY (conversation_id, seq)
) STRICT, WITHOUT ROWID;

CREATE TABLE read_marks (
  conversation_id TEXT NOT NULL REFERENCES conversations (id),
  user_id         TEXT NOT NULL REFERENCES users (id),
  last_read_seq   INTEGER NOT NULL CHECK (last_read_seq >= 0),
  update_time     INTEGER NOT NULL,
  PRIMARY KEY (conversation_id, user_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE blocks (
  blocker_id  TEXT NOT NULL REFERENCES users (id),
  blocked_id  TEXT NOT NULL REFERENCES users (id),
  create_time INTEGER NOT NULL,
  PRIMARY KEY (blocker_id, blocked_id),
  CHECK (blocker_id != blocked_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE files (
  id              TEXT PRIMARY KEY,
  owner_id        TEXT NOT NULL REFERENCES users (id),
  sha256_hex      TEXT NOT NULL
    CHECK (length(sha256_hex) = 64 AND sha256_hex NOT GLOB '*[^0-9a-f]*'),
  size_bytes      INTEGER NOT NULL CHECK (size_bytes >= 0),
  content_type    TEXT NOT NULL CHECK (content_type != ''),
  name            TEXT NOT NULL,
  attached_kind   INTEGER NOT NULL DEFAULT 0 CHECK (attached_kind BETWEEN 0 AND 5),
  attached_id     TEXT NOT NULL DEFAULT '',
  attach_position INTEGER CHECK (attach_position >= 0),
  create_time     INTEGER NOT NULL,
  attach_time     INTEGER,
  CHECK ((attached_kind = 0) = (attached_id = '')),
  CHECK ((attached_kind = 0) = (attach_position IS NULL)),
  CHECK ((attached_kind = 0) = (attach_time IS NULL))
) STRICT;
CREATE INDEX files_by_owner ON files (owner_id, size_bytes);
-- Not partial: SQLite uses a partial index only when the query repeats its
-- condition, and "attached_kind = ?" does not; unattached rows (position
-- NULL) never clash.
CREATE UNIQUE INDEX files_by_attachment ON files (attached_kind, attached_id, attach_position);
CREATE INDEX files_by_sha256 ON files (sha256_hex);
CREATE INDEX files_unattached_by_create_time ON files (create_time, id) WHERE attached_kind = 0;
)sql";

// v11: events by resource, so that hiding a message (HideMessage) finds the
// events that carry it without scanning the whole log.
constexpr char kV11EventsByResource[] = R"sql(
CREATE INDEX events_by_resource ON events (resource_id);
)sql";

// Throws when the migrated schema breaks a foreign key: migrations run with
// enforcement off (so that tables can be rebuilt) and are checked once.
void CheckForeignKeys(SQLite::Database& db) {
  SQLite::Statement check(db, "PRAGMA foreign_key_check");
  if (check.executeStep()) {
    throw SQLite::Exception(
        absl::StrCat("a foreign key of table ", check.getColumn(0).getString(), " is broken"));
  }
}

absl::Status ApplyInTransaction(SQLite::Database& db, const Migration& m) {
  try {
    db.exec("BEGIN IMMEDIATE");
    try {
      db.exec(m.sql);
      CheckForeignKeys(db);
      SQLite::Statement record(db,
          "INSERT INTO schema_migrations (version, name, applied_time) "
          "VALUES (?, ?, CAST(strftime('%s','now') AS INTEGER) * 1000000)");
      record.bind(1, m.version);
      record.bind(2, m.name);
      record.exec();
      db.exec("COMMIT");
    } catch (...) {
      db.exec("ROLLBACK");
      throw;
    }
  } catch (const SQLite::Exception& e) {
    return Internal(absl::StrCat("migration ", m.version, " (", m.name, ") failed: ",
                                 e.what()));
  }
  return absl::OkStatus();
}

// Runs `m` in one transaction with foreign-key enforcement off (a setting
// that only changes outside a transaction), then restores it.
absl::Status ApplyOne(SQLite::Database& db, const Migration& m) {
  db.exec("PRAGMA foreign_keys = OFF");
  absl::Status status = ApplyInTransaction(db, m);
  db.exec("PRAGMA foreign_keys = ON");
  return status;
}

}  // namespace

const std::vector<Migration>& BuiltInMigrations() {
  static const auto* const kMigrations = new std::vector<Migration>{
      {1, "accounts: users, refresh tokens, API keys", kV1Accounts},
      {2, "marketplace: categories, gigs, jobs, offers, bookings, reviews, audit", kV2Marketplace},
      {3, "events: outbox and notifications", kV3Events},
      {4, "offers: indexes for admin lists", kV4OfferListIndexes},
      {5, "bookings: a job may be booked again after a cancelled booking", kV5RebookableJobs},
      {6, "open market: sourcing modes, proposals, invitations, portfolios, gig orders",
       kV6OpenMarket},
      {7, "money: the double-entry ledger and account balances", kV7Ledger},
      {8, "money: milestones, with those of bookings made before", kV8Milestones},
      {9, "money: payments, payouts, disputes; milestones' money fields", kV9Payments},
      {10, "messaging and files: conversations, messages, read marks, blocks, files",
       kV10Messaging},
      {11, "events: an index by resource (redacting a hidden message's events)",
       kV11EventsByResource},
  };
  return *kMigrations;
}

absl::StatusOr<int> SchemaVersion(SQLite::Database& db) {
  try {
    db.exec(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        "version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_time INTEGER NOT NULL)");
    SQLite::Statement query(db, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
    query.executeStep();
    return query.getColumn(0).getInt();
  } catch (const SQLite::Exception& e) {
    return Internal(absl::StrCat("cannot read schema version: ", e.getErrorStr()));
  }
}

absl::Status ApplyMigrations(SQLite::Database& db, const std::vector<Migration>& migrations) {
  GW_ASSIGN_OR_RETURN(int current, SchemaVersion(db));
  int newest = migrations.empty() ? 0 : migrations.back().version;
  if (current > newest) {
    return absl::FailedPreconditionError(absl::StrCat(
        "database schema version ", current, " is newer than this binary's ", newest,
        "; upgrade gigwired"));
  }
  for (const Migration& m : migrations) {
    if (m.version <= current) continue;
    GW_RETURN_IF_ERROR(ApplyOne(db, m));
  }
  return absl::OkStatus();
}

}  // namespace gigwire
