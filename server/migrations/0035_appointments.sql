-- Appointments (预约) at service locations: a service hall (营业厅) or a government service centre window
-- (政务服务中心窗口) that takes bookings, its weekly opening hours (including extended and staggered hours:
-- evenings, weekends), dates that differ (closures, holiday duty), slots with a capacity, and bookings.

-- A service hall that takes appointments: its booking rules. One row per hall (the hall's own id).
CREATE TABLE appointment_locations (
  tenant_id uuid NOT NULL,
  id uuid NOT NULL,
  -- Business handled here (new connection, holder change, …): codes of the appointments module.
  businesses text[] NOT NULL CHECK (cardinality(businesses) BETWEEN 1 AND 20),
  -- Opening hours per ISO weekday: {"1": [{"from": "08:30", "to": "12:00"}, …], …, "7": []}.
  weekly_hours jsonb NOT NULL CHECK (jsonb_typeof(weekly_hours) = 'object'),
  slot_minutes integer NOT NULL CHECK (slot_minutes BETWEEN 5 AND 240),
  capacity integer NOT NULL CHECK (capacity BETWEEN 1 AND 500),
  -- How many days ahead customers may book (today counts as day 0).
  booking_days integer NOT NULL CHECK (booking_days BETWEEN 1 AND 90),
  -- Open on public holidays with the weekday's hours (holiday duty); otherwise closed on them.
  is_open_on_holidays boolean NOT NULL DEFAULT false,
  is_active boolean NOT NULL DEFAULT true,
  version integer NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, id) REFERENCES service_halls (tenant_id, id)
);
SELECT make_tenant_owned('appointment_locations', 'SELECT, INSERT, UPDATE');

-- A date whose hours differ from the week's: closed (no spans), or other hours (e.g. open on a holiday).
CREATE TABLE appointment_date_overrides (
  tenant_id uuid NOT NULL,
  location_id uuid NOT NULL,
  on_date date NOT NULL,
  spans jsonb NOT NULL CHECK (jsonb_typeof(spans) = 'array'),
  note text NOT NULL DEFAULT '' CHECK (length(note) <= 200),
  PRIMARY KEY (tenant_id, location_id, on_date),
  FOREIGN KEY (tenant_id, location_id) REFERENCES appointment_locations (tenant_id, id)
);
SELECT make_tenant_owned('appointment_date_overrides');

-- A slot that has (or had) bookings: made when first booked. booked is kept by the trigger below from the
-- active bookings, and the CHECK makes an overbooked slot impossible whatever the code does: of two
-- transactions taking the last place, the second waits for the first's row lock and then fails the check.
CREATE TABLE appointment_slots (
  tenant_id uuid NOT NULL,
  location_id uuid NOT NULL,
  starts_at timestamptz NOT NULL,
  ends_at timestamptz NOT NULL,
  capacity integer NOT NULL CHECK (capacity >= 0),
  booked integer NOT NULL DEFAULT 0,
  PRIMARY KEY (tenant_id, location_id, starts_at),
  CONSTRAINT appointment_slots_booked_within_capacity CHECK (booked BETWEEN 0 AND capacity),
  CHECK (ends_at > starts_at),
  FOREIGN KEY (tenant_id, location_id) REFERENCES appointment_locations (tenant_id, id)
);
SELECT make_tenant_owned('appointment_slots', 'SELECT, INSERT, UPDATE');

CREATE TABLE appointments (
  tenant_id uuid NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  booking_no text NOT NULL,
  location_id uuid NOT NULL,
  starts_at timestamptz NOT NULL,
  ends_at timestamptz NOT NULL,
  -- The local date of the slot in the utility's time zone: the day lists and the reminders read it.
  appointment_date date NOT NULL,
  business text NOT NULL,
  status text NOT NULL DEFAULT 'booked' CHECK (status IN ('booked', 'arrived', 'cancelled')),
  channel text NOT NULL CHECK (channel IN ('portal', 'counter')),
  customer_name text NOT NULL CHECK (length(customer_name) BETWEEN 1 AND 50),
  phone text NOT NULL,
  account_id uuid,
  portal_user_id uuid,
  note text NOT NULL DEFAULT '' CHECK (length(note) <= 200),
  created_by text NOT NULL,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  cancelled_at timestamptz,
  cancel_reason text,
  arrived_at timestamptz,
  -- The date a day-before reminder was sent for (a booking moved to another day is reminded again).
  reminded_for date,
  reminder_outbox_id uuid,
  version integer NOT NULL DEFAULT 1,
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, booking_no),
  FOREIGN KEY (tenant_id, location_id, starts_at) REFERENCES appointment_slots (tenant_id, location_id, starts_at),
  FOREIGN KEY (tenant_id, account_id) REFERENCES accounts (tenant_id, id),
  FOREIGN KEY (tenant_id, portal_user_id) REFERENCES portal_users (tenant_id, id)
);
SELECT make_tenant_owned('appointments', 'SELECT, INSERT, UPDATE');
CREATE INDEX appointments_day ON appointments (tenant_id, location_id, appointment_date, starts_at);
CREATE INDEX appointments_portal_user ON appointments (tenant_id, portal_user_id, starts_at DESC) WHERE portal_user_id IS NOT NULL;
CREATE INDEX appointments_phone ON appointments (tenant_id, phone, starts_at DESC);
CREATE INDEX appointments_to_remind ON appointments (tenant_id, appointment_date) WHERE status = 'booked';

-- Keeps each slot's booked count equal to its active bookings (booked or arrived), in the statement that
-- changes a booking, so the slot's CHECK refuses the booking that would overfill it.
CREATE FUNCTION appointments_count_slot() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  was_active boolean := TG_OP = 'UPDATE' AND OLD.status IN ('booked', 'arrived');
  is_active boolean := NEW.status IN ('booked', 'arrived');
  same_slot boolean := TG_OP = 'UPDATE' AND OLD.location_id = NEW.location_id AND OLD.starts_at = NEW.starts_at;
BEGIN
  IF was_active AND NOT (is_active AND same_slot) THEN
    UPDATE appointment_slots SET booked = booked - 1
    WHERE tenant_id = OLD.tenant_id AND location_id = OLD.location_id AND starts_at = OLD.starts_at;
  END IF;
  IF is_active AND NOT (was_active AND same_slot) THEN
    UPDATE appointment_slots SET booked = booked + 1
    WHERE tenant_id = NEW.tenant_id AND location_id = NEW.location_id AND starts_at = NEW.starts_at;
  END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER appointments_count_slot AFTER INSERT OR UPDATE OF status, location_id, starts_at ON appointments
  FOR EACH ROW EXECUTE FUNCTION appointments_count_slot();
